/* The projects board: a card dragged to another column asks the server to move it there (the
   same rules as its button; an illegal jump comes back refused, with the reason). The board
   comes back as the server has it, with its message. Without this script, each card's button
   and its page still move it. */
(function () {
  "use strict";
  var dragged = null;

  function column(target) {
    return target instanceof Element ? target.closest(".board-col") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element && event.target.closest("[data-project]");
    if (!card) return;
    dragged = card;
    card.classList.add("board-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.project);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("board-dragging");
    dragged = null;
    document.querySelectorAll(".board-over").forEach(function (col) { col.classList.remove("board-over"); });
  });

  document.addEventListener("dragover", function (event) {
    var col = column(event.target);
    if (!col || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".board-over").forEach(function (other) {
      if (other !== col) other.classList.remove("board-over");
    });
    col.classList.add("board-over");
  });

  document.addEventListener("drop", function (event) {
    var col = column(event.target);
    var board = document.getElementById("board");
    if (!col || !dragged || !board || !board.dataset.moveUrl) return;
    event.preventDefault();
    col.classList.remove("board-over");
    if (column(dragged) === col) return;  // dropped where it was
    dragged.setAttribute("aria-busy", "true");
    window.htmx.ajax("POST", board.dataset.moveUrl, {
      target: "#board",
      swap: "outerHTML",
      values: { project: dragged.dataset.project, version: dragged.dataset.version, to: col.dataset.stage }
    });
  });
})();
