// Keyboard and screen-reader help that the server cannot give alone (issue 19). Loaded with the
// CSP nonce; the pages work without it.
(function () {
  "use strict";

  // A box that scrolls sideways (a code listing, a wide table) must be reachable by keyboard,
  // or its hidden part can only be seen with a mouse. Only boxes that really overflow at this
  // width get a tab stop, so a phone and a desktop each get just the ones they need.
  var SCROLLERS = "pre, .table-wrap, .prose table, .diff, .author-preview .bubble";

  function labelFor(box) {
    var caption = box.querySelector("caption, figcaption");
    var figure = box.closest("figure");
    if (!caption && figure) { caption = figure.querySelector("figcaption"); }
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim().replace(/\s+/g, " ").slice(0, 80) + " (scrolls sideways)";
    }
    return box.matches("pre") ? "Code (scrolls sideways)" : "Table (scrolls sideways)";
  }

  function reachScrollers(root) {
    root.querySelectorAll(SCROLLERS).forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      var scrolls = /(auto|scroll)/.test(getComputedStyle(box).overflowX + getComputedStyle(box).overflowY);
      if (overflows && scrolls) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.dataset.a11yScroller = "1";
        }
        if (box.dataset.a11yScroller && !box.matches("table")) { box.setAttribute("role", "region"); }
        if (box.dataset.a11yScroller && !box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", labelFor(box));
        }
      } else if (box.dataset.a11yScroller) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.a11yScroller;
      }
    });
  }

  // After a lab send the whole conversation is swapped, and the message box with it: put the
  // keyboard back in the (new) message box, where the next question is typed. After Stop the
  // button that had focus is gone, so the message box is the natural place too.
  function refocus(event) {
    var target = event.detail.target;
    if (!target) { return; }
    var path = (event.detail.pathInfo && event.detail.pathInfo.requestPath) || "";
    var stopped = /\/stop\/$/.test(path);
    if (target.id === "lab-conversation" || stopped) {
      var box = document.getElementById("lab-text");
      if (box) { box.focus(); }
    }
  }

  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(function () { reachScrollers(document); }, 150);
  }

  document.addEventListener("DOMContentLoaded", function () { reachScrollers(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    reachScrollers(document);
    refocus(event);
  });
  window.addEventListener("resize", later);
})();
