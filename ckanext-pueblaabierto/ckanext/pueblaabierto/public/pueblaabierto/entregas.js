// Entregas: while the server validates (or creates the drafts), show its progress and reload
// the page when it is done. Polls submission_show (the same action the API offers).
(function () {
  var box = document.getElementById("entrega-estado");
  if (!box || box.getAttribute("data-running") !== "true") { return; }
  var url = box.getAttribute("data-poll");
  var text = document.getElementById("avance-texto");
  var bar = document.getElementById("avance-barra");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var e = data && data.result;
        if (!e) { return setTimeout(poll, 5000); }
        if (!e.running) { window.location.reload(); return; }
        var p = e.progress || {};
        if (text) {
          text.textContent = (p.label || "En espera") + (p.total ? ": " + p.done + " / " + p.total : (p.done ? ": " + p.done : ""));
        }
        if (bar && p.total) { bar.max = p.total; bar.value = p.done || 0; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
