// Box map: one Tab stop for the whole grid, arrow keys (and Home/End) move between positions.
(function () {
  "use strict";
  document.querySelectorAll("[data-box-map]").forEach(function (table) {
    var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("[data-cell]"));
    });
    if (!rows.length || !rows[0].length) { return; }
    rows.forEach(function (cells) { cells.forEach(function (cell) { cell.tabIndex = -1; }); });
    rows[0][0].tabIndex = 0;
    table.addEventListener("keydown", function (event) {
      var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};
      var r, c;
      rows.forEach(function (cells, i) { var j = cells.indexOf(event.target); if (j >= 0) { r = i; c = j; } });
      if (r === undefined) { return; }
      var to;
      if (moves[event.key]) {
        var nr = Math.min(Math.max(r + moves[event.key][0], 0), rows.length - 1);
        var nc = Math.min(Math.max(c + moves[event.key][1], 0), rows[nr].length - 1);
        to = rows[nr][nc];
      } else if (event.key === "Home") { to = rows[r][0]; } else if (event.key === "End") { to = rows[r][rows[r].length - 1]; }
      if (!to) { return; }
      event.preventDefault();
      event.target.tabIndex = -1;
      to.tabIndex = 0;
      to.focus();
    });
  });
}());
