/* A running job's page keeps itself up to date without reloading: every few seconds it fetches
   its own address and swaps in the part marked data-live-every (the progress, then the result).
   The person can pause and resume; without JavaScript the "Refresh" link does the same by hand. */
(function () {
  "use strict";
  var region = document.querySelector("[data-live-every]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(region.getAttribute("data-live-every"), 10) || 2;
  var button = document.getElementById("live-pause");
  var paused = false;
  var timer = null;

  function schedule() {
    if (!paused) { timer = window.setTimeout(update, seconds * 1000); }
  }

  function update() {
    fetch(window.location.href, {credentials: "same-origin", headers: {"X-Requested-With": "live-refresh"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh) { return; }
        region.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-live-every")) { schedule(); } else {
          region.removeAttribute("data-live-every");
          var controls = document.getElementById("live-controls");
          if (controls) { controls.hidden = true; }
        }
      })
      .catch(function () { schedule(); });
  }

  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      paused = !paused;
      button.textContent = paused ? button.getAttribute("data-resume") : button.getAttribute("data-pause");
      button.setAttribute("aria-pressed", paused ? "true" : "false");
      if (paused) { window.clearTimeout(timer); } else { update(); }
    });
  }
  var link = document.getElementById("live-refresh-link");
  if (link) { link.hidden = true; }
  schedule();
}());
