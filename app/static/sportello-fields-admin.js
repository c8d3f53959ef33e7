/* Drag and drop to reorder the Ticket Fields table. Without JavaScript
   the arrows beside each row do the same, one step at a time. */
(function () {
  "use strict";
  /* The field editor: show only the settings that apply to the chosen type. */
  var typeSelect = document.querySelector(".field-form select[name=type]");
  var builtinType = document.querySelector(".field-form input[type=hidden][name=type]");
  function showSettings() {
    var chosen = typeSelect ? typeSelect.value : (builtinType ? builtinType.value : "");
    document.querySelectorAll("[data-for-types]").forEach(function (block) {
      var types = block.getAttribute("data-for-types").split(" ");
      block.hidden = types.indexOf(chosen) === -1;
    });
  }
  if (typeSelect || builtinType) {
    if (typeSelect) typeSelect.addEventListener("change", showSettings);
    showSettings();
  }
})();

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
