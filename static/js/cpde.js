/* CPDE sheets: "Everyone present" ticks "present" on every line of the attendance form that
   is not ticked yet. Without JavaScript each line is ticked by hand; the server checks them. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mark-all]");
    if (!button) return;
    var form = button.closest("form");
    var value = button.getAttribute("data-mark-all");
    form.querySelectorAll('input[type=radio][value="' + value + '"]').forEach(function (radio) {
      var group = form.querySelectorAll('input[type=radio][name="' + radio.name + '"]:checked');
      if (group.length === 0) radio.checked = true;
    });
  });
})();
