/* CPDE sheets: "Everyone present" ticks "present" on every line of the attendance form, "Clear
   all" unticks every line (nothing is saved until the form is sent). Without JavaScript each
   line is ticked by hand; the server checks them. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mark-all]");
    if (!button) return;
    var form = button.closest("form");
    var value = button.getAttribute("data-mark-all");
    form.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = value !== "" && radio.value === value;
    });
  });

  /* Sections that fold on a phone (details[data-open-wide]) start open on a wide screen. */
  if (window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
})();
