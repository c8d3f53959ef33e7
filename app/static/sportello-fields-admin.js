/* Drag and drop to reorder the Ticket Fields table. Without JavaScript
   the arrows beside each row do the same, one step at a time. */
(function () {
  "use strict";
  var table = document.querySelector(".fields-table");
  if (!table) return;
  var body = table.querySelector("tbody");
  var dragged = null;

  body.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("tr");
    event.dataTransfer.effectAllowed = "move";
  });
  body.addEventListener("dragover", function (event) {
    var row = event.target.closest("tr");
    if (!dragged || !row || row === dragged) return;
    event.preventDefault();
    var after = event.clientY > row.getBoundingClientRect().top + row.offsetHeight / 2;
    body.insertBefore(dragged, after ? row.nextSibling : row);
  });
  body.addEventListener("drop", function (event) {
    event.preventDefault();
    var data = new URLSearchParams();
    data.append("csrf_token", table.getAttribute("data-csrf"));
    body.querySelectorAll("tr[data-key]").forEach(function (row) {
      data.append("keys", row.getAttribute("data-key"));
    });
    fetch(table.getAttribute("data-reorder-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function () { window.location.reload(); });
    dragged = null;
  });
})();
