// Staff desk: names that Django's admin scripts leave out (axe-core, WCAG 2.1 AA).
// - SelectFilter2.js (the two-list picker) gives its search icons, bare <span>s, an aria-label, which a
//   span may not carry without a role (aria-prohibited-attr): they are images, role="img".
// - The autocomplete boxes (select2) are named by their own empty text until something is chosen
//   (aria-input-field-name): they are named by the field's label as well.
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll("select.admin-autocomplete[id]").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var box = select.parentElement && select.parentElement.querySelector(".select2-selection");
      if (!label || !box) return;
      if (!label.id) label.id = select.id + "-label";
      var shown = box.querySelector(".select2-selection__rendered");
      var names = label.id + (shown && shown.id ? " " + shown.id : "");
      if (box.getAttribute("aria-labelledby") !== names) box.setAttribute("aria-labelledby", names);
      if (shown && shown.getAttribute("aria-labelledby") !== label.id) shown.setAttribute("aria-labelledby", label.id);
    });
  }
  new MutationObserver(function () { fix(document); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
