// The Preview button of the ask, answer and edit forms: with JavaScript the text is sent
// to the server (qa:preview, the post's own renderer and sanitizer) and shown under the
// form, and kept up to date while the person types; without it, the button posts the form
// and the page comes back with the preview and the text kept.
(function () {
  "use strict";
  var DELAY_MS = 600;

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function show(button) {
    var form = button.form;
    var area = form && form.querySelector("[data-preview-area]");
    var body = form && form.querySelector("textarea[name=body]");
    if (!area || !body) { return; }
    var data = new FormData();
    data.append("body", body.value);
    fetch(button.getAttribute("data-preview"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (response.ok) {
          area.innerHTML = text;  // rendered and sanitized by the server (qa.rendering)
        } else {
          area.textContent = text;
        }
      });
    }).catch(function () { /* offline: the button still posts the form */ });
  }

  function bind(button) {
    if (button.dataset.previewBound) { return; }
    button.dataset.previewBound = "1";
    var timer = null;
    var live = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      live = true;
      show(button);
    });
    var body = button.form && button.form.querySelector("textarea[name=body]");
    if (body) {
      body.addEventListener("input", function () {
        if (!live) { return; }
        clearTimeout(timer);
        timer = setTimeout(function () { show(button); }, DELAY_MS);
      });
    }
  }

  function bindAll() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-preview]"), bind);
  }
  document.addEventListener("DOMContentLoaded", bindAll);
  document.addEventListener("htmx:afterSwap", bindAll);
  if (document.readyState !== "loading") { bindAll(); }
})();
