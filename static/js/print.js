// Buttons marked data-print print the page (no inline script: the content security policy allows none).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
