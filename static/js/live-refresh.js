/* A running job's page keeps itself up to date without reloading: every few seconds it fetches
   its own address and swaps in the part marked data-live-every (the progress, then the result).
   The person can pause and resume; without JavaScript the "Refresh" link does the same by hand.
   The part is not a live region (a screen reader would read all of it at every update): the status
   (#live-status) says the job's state, the element its data-live-from names, when that changes. */
(function () {
  "use strict";
  var region = document.querySelector("[data-live-every]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(region.getAttribute("data-live-every"), 10) || 2;
  var button = document.getElementById("live-pause");
  var paused = false;
  var timer = null;
  var status = document.getElementById("live-status");

  function state() {
    var shown = status && document.getElementById(status.getAttribute("data-live-from"));
    return shown ? shown.textContent.replace(/\s+/g, " ").trim() : "";
  }

  var said = state();

  function schedule() {
    if (!paused) { timer = window.setTimeout(update, seconds * 1000); }
  }

  function update() {
    fetch(window.location.href, {credentials: "same-origin", headers: {"X-Requested-With": "live-refresh"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh) { return; }
        if (fresh.innerHTML !== region.innerHTML) { region.innerHTML = fresh.innerHTML; }
        if (state() !== said) {
          said = state();
          status.textContent = said;
        }
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
