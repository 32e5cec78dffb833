// The cohort builder, enhanced: concepts suggested as one types. Without this script the
// builder searches on submit and offers the matching concepts as choices.
(function () {
  "use strict";
  var form = document.getElementById("cohort-form");
  if (!form) { return; }
  var endpoint = form.getAttribute("action").replace(/\/?$/, "/") + "concepts/";

  function attach(input) {
    var list = document.createElement("ul");
    list.className = "list-group cohort-suggestions";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.parentNode.appendChild(list);
    var timer = null, active = -1, controller = null;

    function close() { list.hidden = true; active = -1; input.setAttribute("aria-expanded", "false"); }

    function choose(item) {
      input.value = item.getAttribute("data-key") + " " + item.getAttribute("data-display");
      close();
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result, n) {
        var item = document.createElement("li");
        item.className = "list-group-item list-group-item-action";
        item.id = list.id + "-" + n;
        item.setAttribute("role", "option");
        item.setAttribute("data-key", result.key);
        item.setAttribute("data-display", result.display);
        item.textContent = result.label + " (" + result.participants + " participants)";
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }

    function search() {
      var term = input.value.trim();
      if (term.length < 2 || /^[a-z0-9]+:\S+ /.test(term)) { close(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(term), {signal: controller.signal, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { show(data.results); })
        .catch(function () { /* a newer search replaced this one */ });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      var items = list.querySelectorAll("li");
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items.forEach(function (item, n) { item.classList.toggle("active", n === active); });
        input.setAttribute("aria-activedescendant", items[active].id);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  form.querySelectorAll("input.js-concept").forEach(attach);
}());
