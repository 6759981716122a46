/* Targa's small behaviours. Forms already resist double posting on the server (submission ids);
   this only spares a second tap on a slow connection and shows that the form is on its way. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.setAttribute("aria-busy", "true");
      button.classList.add("disabled");
      // Re-enable after a while so a dropped connection never locks the form for good.
      setTimeout(function () {
        button.classList.remove("disabled");
        button.removeAttribute("aria-busy");
        form.dataset.submitting = "";
      }, 15000);
    });
  });
})();

/* A refused action (400) or a record changed meanwhile (409) answers with the status panel and
   its message: show it in place, like a form shows its errors. */
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 400 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
