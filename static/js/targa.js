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
   its message: show it in place, like a form shows its errors. An action refused because the
   page's session expired (403, CSRF) says where its explanation goes (HX-Retarget). */
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  var status = xhr.status;
  var expired = status === 403 && xhr.getResponseHeader("HX-Retarget");
  if (expired) {
    document.querySelectorAll("#main > [data-testid=csrf-failure]").forEach(function (old) { old.remove(); });
    // The form stays on the page: make it usable again at once.
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (form instanceof HTMLFormElement) {
      form.dataset.submitting = "";
      form.querySelectorAll("[aria-busy]").forEach(function (button) {
        button.classList.remove("disabled");
        button.removeAttribute("aria-busy");
      });
    }
  }
  if (status === 400 || status === 409 || expired) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

/* Behaviours that would otherwise be inline handlers, which the Content-Security-Policy
   refuses: a select that sends its form when changed (the province switcher), and a button
   that goes back in history (the page shown when a form's session expired: browsers refill
   what was typed on the page they return to). */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  if (event.target instanceof Element && event.target.closest("[data-history-back]")) {
    event.preventDefault();
    history.back();
  }
});

/* htmx requests carry the CSRF token in a header (targa.js, not an hx-headers attribute, which
   HTML does not allow on <body>): the token of the form being sent, else the page's. */
document.addEventListener("htmx:configRequest", function (event) {
  var elt = event.detail.elt;
  var form = elt instanceof HTMLFormElement ? elt : elt && elt.closest && elt.closest("form");
  var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = (field && field.value) || document.body.dataset.csrfToken;
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

/* A form that comes back with errors (or a conflict) opens on its summary: focused, so a
   screen reader reads it first and a keyboard goes from it to each field it links to. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();

/* A list's filters fold on a phone only (includes/list_filters.html); a browser that cannot
   show a closed <details>' content at a desk (no ::details-content) gets it opened there. */
document.addEventListener("DOMContentLoaded", function () {
  var supported = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (supported || !window.matchMedia("(min-width: 768px)").matches) return;
  document.querySelectorAll("details.list-filters-fold").forEach(function (fold) { fold.open = true; });
});

/* A field that takes several records typed by name (one box each): "Add a name" adds an
   empty box after the last, with its own suggestions, and puts the cursor in it. */
(function () {
  "use strict";
  document.querySelectorAll("[data-add-box]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-add-box]");
    if (!button) return;
    var boxes = button.previousElementSibling;
    var last = boxes && boxes.lastElementChild;
    if (!last) return;
    var copy = last.cloneNode(true);
    var input = copy.querySelector("input");
    var list = copy.querySelector("datalist");
    var n = boxes.children.length;
    var id = input.id.replace(/_\d+$/, "_" + n);
    input.id = id;
    input.value = "";
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    input.classList.remove("is-invalid");
    input.setAttribute("list", id + "_choices");
    if (input.getAttribute("aria-label")) {
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(n + 1)));
    }
    if (input.hasAttribute("data-hx-target")) input.setAttribute("data-hx-target", "#" + id + "_choices");
    list.id = id + "_choices";
    list.innerHTML = "";
    boxes.appendChild(copy);
    if (window.htmx) window.htmx.process(copy);
    input.focus();
  });
})();
