// Live FORM.317 advice: warn (do not block) when the dataset title passes the recommended word count.
document.querySelectorAll("[data-pa-max-palabras]").forEach(function (note) {
  var input = document.getElementById("field-title");
  if (!input) { return; }
  var max = parseInt(note.getAttribute("data-pa-max-palabras"), 10);
  var template = note.getAttribute("data-pa-plantilla");
  function update() {
    var words = input.value.trim().split(/\s+/).filter(Boolean).length;
    note.hidden = words <= max;
    note.textContent = template.replace("{palabras}", words).replace("{maximo}", max);
  }
  input.addEventListener("input", update);
});
