/* Puebla Abierto: fold accents in the table preview's searches (global and per column) before
   DataTables sends them; the DataStore's Spanish index is accent-free (spanish_unaccent). */
(function ($) {
  "use strict";
  function fold(text) {
    return typeof text === "string" ? text.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : text;
  }
  $(document).on("preXhr.dt", function (event, settings, data) {
    if (data && data.search) { data.search.value = fold(data.search.value); }
    if (data && data.columns) {
      data.columns.forEach(function (column) {
        if (column.search) { column.search.value = fold(column.search.value); }
      });
    }
  });
})(window.jQuery);
