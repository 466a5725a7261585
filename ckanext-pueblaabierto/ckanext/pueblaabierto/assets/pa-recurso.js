/* The resource form of Puebla Abierto (package/snippets/resource_upload_field.html):
 * «Nombre del archivo» and «Formato» fill in from the chosen file or URL when the person left them
 * empty (the server does the same, forms/defaults.py); choosing another file or a link drops the
 * file kept from a submit that failed, and «Quitar archivo» drops it too. */
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

  function init() {
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

    function dropKept() {
      var kept = field.querySelector("[data-pa-archivo-conservado]");
      if (kept) { kept.parentNode.removeChild(kept); }
    }

    if (upload) {
      upload.addEventListener("change", function () {
        if (upload.files && upload.files.length) {
          dropKept();
          fill(fileNameOf(upload.files[0].name));
        }
      });
    }
    if (url) {
      url.addEventListener("change", function () {
        if (document.getElementById("resource-url-link") &&
            document.getElementById("resource-url-link").checked) { dropKept(); }
        fill(fileNameOf(url.value));
      });
    }
    var link = document.getElementById("resource-link-button");
    if (link) { link.addEventListener("click", dropKept); }
    var remove = field.querySelector("[data-pa-quitar-conservado]");
    if (remove) {
      remove.addEventListener("click", function () {
        dropKept();
        document.getElementById("resource-url-none").checked = true;
        var first = document.getElementById("resource-upload-button") || link;
        if (first) { first.focus(); }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
