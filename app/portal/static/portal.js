/* Drag and drop for file inputs: dropped files join those already chosen.
   Without JavaScript the plain file input does the same job. */
(function () {
  "use strict";

  function listFiles(zone, input) {
    var list = zone.querySelector(".dropzone-files");
    if (!list) return;
    list.textContent = "";
    Array.from(input.files).forEach(function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;
      list.appendChild(item);
    });
  }

  function setUp(zone) {
    var input = zone.querySelector('input[type="file"]');
    if (!input || typeof DataTransfer === "undefined") return;
    zone.classList.add("ready");
    var hint = zone.querySelector(".dropzone-hint");
    if (hint) hint.hidden = false;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var merged = new DataTransfer();
      Array.from(input.files).forEach(function (file) { merged.items.add(file); });
      Array.from(event.dataTransfer.files).forEach(function (file) { merged.items.add(file); });
      input.files = merged.files;
      listFiles(zone, input);
    });
    input.addEventListener("change", function () { listFiles(zone, input); });
  }

  document.querySelectorAll("[data-dropzone]").forEach(setUp);
})();
