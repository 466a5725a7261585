/* Charts of ckanext-charts (Plotly) with numbers as people in Mexico write them: axis ticks
 * «2.5 mil millones», «350 mil», «1.2 millones» instead of Plotly's «2.5B», «350k», «1.2M»;
 * hover values in full with thousands separators («2,500,000,000»); Plotly's buttons in Spanish.
 * Loaded after ckanext-charts' Plotly bundle (templates/charts/snippets/plotly_chart.html): it wraps
 * Plotly.newPlot, so the plugin itself is not forked. */
(function () {
  "use strict";
  var Plotly = window.Plotly;
  if (!Plotly || Plotly.__paEsMx) { return; }
  Plotly.__paEsMx = true;

  var LOCALE = "es-MX";
  Plotly.register({
    moduleType: "locale",
    name: LOCALE,
    dictionary: {
      "Autoscale": "Escala automática",
      "Box Select": "Seleccionar con rectángulo",
      "Click to enter Colorscale title": "Clic para escribir el título de la escala",
      "Click to enter Plot title": "Clic para escribir el título",
      "Click to enter X axis title": "Clic para escribir el título del eje X",
      "Click to enter Y axis title": "Clic para escribir el título del eje Y",
      "Double-click to zoom back out": "Doble clic para volver",
      "Download plot": "Descargar gráfica",
      "Download plot as a png": "Descargar gráfica como PNG",
      "Lasso Select": "Seleccionar con lazo",
      "Pan": "Desplazar",
      "Produced with Plotly.js": "Hecho con Plotly.js",
      "Reset axes": "Restablecer ejes",
      "Reset view": "Restablecer vista",
      "Show closest data on hover": "Mostrar el dato más cercano",
      "Compare data on hover": "Comparar datos",
      "Toggle Spike Lines": "Mostrar u ocultar guías",
      "Zoom": "Acercar área",
      "Zoom in": "Acercar",
      "Zoom out": "Alejar",
      "Snapshot succeeded": "Imagen lista",
      "Taking snapshot - this may take a few seconds": "Generando la imagen; puede tardar unos segundos"
    },
    format: {
      days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
      shortDays: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
      months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
               "octubre", "noviembre", "diciembre"],
      shortMonths: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
      date: "%d/%m/%Y",
      decimal: ".",
      thousands: ","
    }
  });

  var compact = new Intl.NumberFormat(LOCALE, {notation: "compact", compactDisplay: "long", maximumFractionDigits: 2});
  var full = new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 2});
  var AXIS = /^[xy]axis\d*$/;

  /* «2.5 mil millones», «350 mil», «1.2 millones»; below a thousand the plain number. */
  function spanish(value) {
    return Math.abs(value) >= 1000 ? compact.format(value) : full.format(value);
  }

  function niceTicks(low, high) {
    var span = high - low;
    if (!isFinite(span) || span <= 0) { return []; }
    var raw = span / 5;
    var magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var norm = raw / magnitude;
    var step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
    var ticks = [];
    for (var v = Math.ceil(low / step) * step; v <= high + step * 1e-9 && ticks.length < 50; v += step) {
      ticks.push(Number(v.toPrecision(12)));
    }
    return ticks;
  }

  function axesOf(layout) {
    var names = ["xaxis", "yaxis"];
    Object.keys(layout || {}).forEach(function (key) {
      if (AXIS.test(key) && names.indexOf(key) < 0) { names.push(key); }
    });
    return names;
  }

  /* Before drawing: full numbers with separators (also what stays if the ticks below cannot be set). */
  function prepare(figure) {
    figure.layout = figure.layout || {};
    figure.layout.separators = ".,";
    axesOf(figure.layout).forEach(function (name) {
      var axis = figure.layout[name] = figure.layout[name] || {};
      if (axis.exponentformat === undefined) { axis.exponentformat = "none"; }
      if (axis.separatethousands === undefined) { axis.separatethousands = true; }
    });
    figure.config = Object.assign({locale: LOCALE}, figure.config || {});
    return figure;
  }

  /* After drawing and after each zoom: tick labels in words for numeric axes with large numbers. */
  function relabel(gd) {
    var full = gd._fullLayout || {};
    var update = {};
    axesOf(full).forEach(function (name) {
      var axis = full[name];
      if (!axis || axis.type !== "linear" || !axis.range) { return; }
      var user = (gd.layout || {})[name] || {};
      /* hover in full («2,500,000,000»); only numeric axes: on a date axis it would be a date format */
      if (user.hoverformat === undefined) { update[name + ".hoverformat"] = ",.2~f"; }
      if (user.tickmode && user.tickmode !== "array") { return; }
      var low = Math.min(axis.range[0], axis.range[1]);
      var high = Math.max(axis.range[0], axis.range[1]);
      if (Math.max(Math.abs(low), Math.abs(high)) < 1000) { return; }
      var ticks = niceTicks(low, high);
      if (!ticks.length) { return; }
      update[name + ".tickmode"] = "array";
      update[name + ".tickvals"] = ticks;
      update[name + ".ticktext"] = ticks.map(spanish);
    });
    if (Object.keys(update).length) {
      gd.__paRelabeling = true;
      Plotly.relayout(gd, update).then(function () { gd.__paRelabeling = false; },
                                       function () { gd.__paRelabeling = false; });
    }
  }

  var newPlot = Plotly.newPlot;
  Plotly.newPlot = function (gd, figure) {
    var args = Array.prototype.slice.call(arguments);
    if (figure && typeof figure === "object" && !Array.isArray(figure)) {
      args[1] = prepare(figure);
    }
    return newPlot.apply(this, args).then(function (chart) {
      try {
        relabel(chart);
        chart.on("plotly_relayout", function (event) {
          if (chart.__paRelabeling) { return; }
          var keys = Object.keys(event || {});
          if (keys.some(function (k) { return /range|autorange/.test(k); })) { relabel(chart); }
        });
      } catch (e) {
        /* the full numbers of prepare() stay */
      }
      return chart;
    });
  };
})();
