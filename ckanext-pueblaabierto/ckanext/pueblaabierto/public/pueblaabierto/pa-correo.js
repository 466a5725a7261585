// Decode the responsable's e-mail (reversed, base64) for people; scrapers reading HTML see no address.
document.querySelectorAll("[data-pa-correo]").forEach(function (el) {
  var bytes = Uint8Array.from(atob(el.getAttribute("data-pa-correo")), function (c) { return c.charCodeAt(0); });
  var address = new TextDecoder().decode(bytes).split("").reverse().join("");
  var link = document.createElement("a");
  link.href = "mailto:" + address;
  link.textContent = address;
  el.replaceChildren(link);
});
