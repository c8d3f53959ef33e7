/* Live conditions and cascading dropdowns for ticket forms.
   The server enforces both on every write; this only spares people
   fields that do not apply. Without JavaScript every field is shown
   with a sentence saying when it applies. */
(function () {
  "use strict";

  function valuesOf(form, key) {
    var inputs = form.querySelectorAll('[name="' + key + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "checkbox" && input.closest(".checkbox-list")) {
        if (input.checked) values.push(input.value);
      } else if (input.type === "checkbox") {
        values.push(input.checked);
      } else if (input.tagName === "SELECT" && input.multiple) {
        Array.from(input.selectedOptions).forEach(function (o) { values.push(o.value); });
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function applyConditions(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (wrapper) {
      var key = wrapper.getAttribute("data-show-when");
      var wanted = JSON.parse(wrapper.getAttribute("data-show-values"));
      var current = valuesOf(form, key);
      var shown = current.some(function (v) { return wanted.indexOf(v) !== -1; });
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
      var hint = wrapper.querySelector(".condition-hint");
      if (hint) hint.hidden = true;
    });
  }

  function applyCascades(form, cascades) {
    Object.keys(cascades).forEach(function (key) {
      var spec = cascades[key];
      var parent = valuesOf(form, spec.parent)[0];
      var select = form.querySelector('select[name="' + key + '"]');
      if (!select) return;
      Array.from(select.options).forEach(function (option) {
        var parents = spec.items[option.value];
        var offered = !option.value || !parents || parents.length === 0 ||
          parents.indexOf(parent) !== -1;
        option.hidden = !offered;
        option.disabled = !offered;
        if (!offered && option.selected) select.value = "";
      });
    });
  }

  function setUp(container) {
    var form = container.closest("form") || container;
    var cascades = JSON.parse(container.getAttribute("data-cascades") || "{}");
    function refresh() { applyCascades(form, cascades); applyConditions(form); }
    form.addEventListener("change", refresh);
    form.addEventListener("input", refresh);
    refresh();
  }

  document.querySelectorAll(".ticket-fields").forEach(setUp);
})();
