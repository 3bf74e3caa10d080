// Says so when an htmx request fails. htmx swaps nothing on a server error or a lost
// connection (see the responseHandling in base.html), so without this the button simply comes
// back and the learner cannot tell whether anything was saved. Loaded with the CSP nonce.
(function () {
  "use strict";

  function show(text) {
    var box = document.getElementById("request-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "request-error";
      box.className = "request-error flash flash-error";
      box.setAttribute("role", "alert");
      var message = document.createElement("p");
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "secondary small";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", function () { box.remove(); });
      box.append(message, dismiss);
      document.body.appendChild(box);
    }
    box.querySelector("p").textContent = text;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 500) {
      show("The server hit a problem and that did not go through (error " + status + "). " +
           "Anything you typed is still on the page: try again in a moment.");
    } else {
      show("The server refused that request (error " + status + "). " +
           "Reload the page, then try again; copy anything you typed first.");
    }
  });

  document.addEventListener("htmx:sendError", function () {
    show("The server could not be reached, so that did not go through. " +
         "Check your connection; anything you typed is still on the page.");
  });

  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("request-error");
    if (box && event.key === "Escape") { box.remove(); }
  });
})();
