// Trial finder and study pages: small enhancements; every page works without them.
(function () {
  // A form that was sent back with mistakes: bring its message into view and read it out.
  // (After load: following the #interested anchor would otherwise take the focus back.)
  var problem = document.getElementById("form-problem");
  if (problem) {
    problem.setAttribute("tabindex", "-1");
    window.addEventListener("load", function () { window.setTimeout(function () { problem.focus(); }, 0); });
  }

  // Leave empty filters out of the address, so a shared search link stays short.
  var form = document.getElementById("finder-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && !field.disabled && field.type !== "checkbox" && field.value === "") {
        field.disabled = true;
      }
    });
  });
  // Back/forward cache: re-enable the fields if the page is shown again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
  });
})();
