/* The Gantt chart is drawn by the server (provinces/gantt.py); this only scrolls a chart
   wider than the screen so that today is in view, with the recent past before it. */
(function () {
  "use strict";
  function revealToday() {
    document.querySelectorAll(".gantt-scroll").forEach(function (box) {
      var flag = box.querySelector("[data-testid=gantt-today]");
      var label = box.querySelector(".gantt-label");
      if (!flag || !label || box.scrollWidth <= box.clientWidth) return;
      var rtl = getComputedStyle(box).direction === "rtl";
      var outer = box.getBoundingClientRect();
      var visible = box.clientWidth - label.offsetWidth;
      var wanted = rtl
        ? outer.right - label.offsetWidth - visible * 0.66
        : outer.left + label.offsetWidth + visible * 0.66;
      box.scrollLeft += flag.getBoundingClientRect().left - wanted;
    });
  }
  document.addEventListener("DOMContentLoaded", revealToday);
})();
