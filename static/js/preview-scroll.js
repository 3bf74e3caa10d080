// The lesson editor's preview follows the text box: scrolling the Markdown to a point scrolls
// the preview to the same share of the rendered lesson text. Proportional, not line-exact (a
// table or a calc card renders taller than its source), which keeps it a few lines of code and
// close enough to find your place. A static file loaded with the CSP nonce; without
// JavaScript the preview simply scrolls on its own.
(function () {
  "use strict";

  var pending = null;

  function follow(editor) {
    var pane = document.getElementById(editor.dataset.previewPane);
    if (!pane || pane.scrollHeight <= pane.clientHeight) {
      return; // not a scroll box (the stacked layout on a narrow screen)
    }
    var range = editor.scrollHeight - editor.clientHeight;
    var share = range > 0 ? editor.scrollTop / range : 0;
    var text = pane.querySelector(editor.dataset.previewText || ".prose");
    var top = 0;
    var span = pane.scrollHeight - pane.clientHeight;
    if (text) {
      top = text.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
      span = Math.max(0, Math.min(text.offsetHeight - pane.clientHeight / 2, span - top));
      top = Math.max(0, top - 60); // leave the heading above in sight
    }
    pane.scrollTop = top + share * span;
  }

  // Delegated (scroll does not bubble, so in the capture phase): htmx replaces the editor
  // when a save comes back with errors, and the new text box must follow too.
  document.addEventListener("scroll", function (event) {
    var editor = event.target;
    if (!editor.dataset || !editor.dataset.previewPane) {
      return;
    }
    if (pending === null) {
      pending = window.requestAnimationFrame(function () {
        pending = null;
        follow(editor);
      });
    }
  }, true);

  // A fresh preview (as the instructor types) keeps the place the text box is at.
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("[data-preview-pane]").forEach(function (editor) {
      if (editor.scrollTop > 0) {
        follow(editor);
      }
    });
  });
})();
