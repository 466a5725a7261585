/* The enlace's forms of Puebla Abierto.
 * - Resource form (package/snippets/resource_upload_field.html): «Nombre del archivo» and «Formato»
 *   fill in from the chosen file or URL when the person left them empty (the server does the same,
 *   forms/defaults.py).
 * - A file kept from a submit that failed ([data-pa-archivo-conservado], resource and dependencia
 *   forms) is dropped when the person chooses another file, types a link or presses «Quitar archivo». */
(function () {
  "use strict";

  function fileNameOf(value) {
    value = (value || "").trim();
    if (!value) { return ""; }
    var path = value;
    try { path = new URL(value).pathname; } catch (e) { /* not a full URL: a file path */ }
    var last = path.replace(/\\/g, "/").replace(/\/+$/, "").split("/").pop() || "";
    try { return decodeURIComponent(last).trim(); } catch (e) { return last.trim(); }
  }

  function dropKept(form) {
    var kept = form.querySelectorAll("[data-pa-archivo-conservado]");
    for (var i = 0; i < kept.length; i++) { kept[i].parentNode.removeChild(kept[i]); }
  }

  function keptFiles() {
    var blocks = document.querySelectorAll("[data-pa-archivo-conservado]");
    for (var i = 0; i < blocks.length; i++) {
      var form = blocks[i].closest("form");
      if (!form || form.getAttribute("data-pa-conservado-listo")) { continue; }
      form.setAttribute("data-pa-conservado-listo", "1");
      form.addEventListener("change", function (event) {
        var target = event.target;
        if ((target.type === "file" && target.files && target.files.length) ||
            (target.type === "url" && target.value.trim()) ||
            (target.id === "field-image-url" && target.value.trim())) {
          dropKept(this);
        }
      });
      var link = document.getElementById("resource-link-button");
      if (link) { link.addEventListener("click", function () { dropKept(form); }); }
      var remove = blocks[i].querySelector("[data-pa-quitar-conservado]");
      if (remove) {
        remove.addEventListener("click", function () {
          dropKept(form);
          var none = document.getElementById("resource-url-none");
          if (none) { none.checked = true; }
          var first = document.getElementById("resource-upload-button") || document.getElementById("resource-link-button");
          if (first) { first.focus(); }
        });
      }
    }
  }

  function resourceDefaults() {
    var field = document.querySelector(".resource-upload-field[data-pa-formatos]");
    if (!field) { return; }
    var formats = {};
    try { formats = JSON.parse(field.getAttribute("data-pa-formatos") || "{}"); } catch (e) { formats = {}; }
    var nameInput = document.getElementById("field-nombre_archivo");
    var formatSelect = document.getElementById("field-format");
    var upload = document.getElementById("field-resource-upload");
    var url = document.getElementById("field-resource-url");
    var filled = {name: null, format: null};

    function fill(fileName) {
      if (!fileName) { return; }
      if (nameInput && (!nameInput.value.trim() || nameInput.value === filled.name)) {
        nameInput.value = fileName;
        filled.name = fileName;
      }
      var dot = fileName.lastIndexOf(".");
      var guessed = dot > 0 ? formats[fileName.slice(dot).toLowerCase()] : null;
      if (formatSelect && guessed && (!formatSelect.value || formatSelect.value === filled.format)) {
        formatSelect.value = guessed;
        filled.format = guessed;
        formatSelect.dispatchEvent(new Event("change", {bubbles: true}));
      }
    }

    if (upload) {
      upload.addEventListener("change", function () {
        if (upload.files && upload.files.length) { fill(fileNameOf(upload.files[0].name)); }
      });
    }
    if (url) {
      url.addEventListener("change", function () { fill(fileNameOf(url.value)); });
    }
  }

  function init() {
    keptFiles();
    resourceDefaults();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
