// Small progressive enhancements; every page works without them.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
  var button = select.form.querySelector(".js-hide");
  if (button) { button.classList.add("visually-hidden"); }
});
// After a failed send, start at the error summary: it is read out and it links to each field.
var errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) { errorSummary.focus(); }
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
