// Staff desk: Django's SelectFilter2.js (the two-list picker) gives the search icons, bare <span>s,
// an aria-label, which a span may not carry without a role (axe: aria-prohibited-attr). They are
// images that say what the box beside them is for: role="img".
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  new MutationObserver(function () { fix(document); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
