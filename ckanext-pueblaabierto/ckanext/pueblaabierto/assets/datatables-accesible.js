/* Puebla Abierto: DataTables' scrollResize plugin adds an empty <iframe> only to hear the table
   resize. Screen readers and axe-core («frame-title», serious) take it for content without a name:
   it gets a title and is hidden from assistive technology and from the keyboard. Its per-column
   search boxes («label», critical) get the column's name as their label, KeyTable's focus
   input a name too, and the date filters a Spanish hint. */
(function () {
  "use strict";
  function quiet(root) {
    root.querySelectorAll("iframe:not([title])").forEach(function (frame) {
      frame.setAttribute("title", "Detector de tamaño de la tabla (sin contenido)");
      frame.setAttribute("aria-hidden", "true");
      frame.setAttribute("tabindex", "-1");
    });
  }
  function columnName(input) {
    var cell = input.closest("th, td");
    var head = input.closest("thead");
    var first = head && head.rows.length ? head.rows[0].cells[cell ? cell.cellIndex : -1] : null;
    var name = first && first !== cell ? first.textContent.trim() : "";
    return name || input.id.replace(/^dtcol-/, "").replace(/-\d+$/, "");
  }
  function label(root) {
    // datatablesview.js writes the date filters' hint in English.
    root.querySelectorAll('input[placeholder="yyyy-mm-dd"]').forEach(function (input) {
      input.setAttribute("placeholder", "aaaa-mm-dd");
    });
    root.querySelectorAll("input.fhead:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", "Buscar en la columna «" + columnName(input) + "»");
    });
    // KeyTable's hidden input that keeps the keyboard focus inside the table.
    root.querySelectorAll("input[type=text]:not([aria-label]):not([id])").forEach(function (input) {
      if (!input.closest("label")) { input.setAttribute("aria-label", "Navegación de la tabla con el teclado"); }
    });
  }
  function start() {
    label(document);
    quiet(document);
    new MutationObserver(function () { quiet(document); label(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
