// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Submit the language switcher as soon as a language is picked.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("auto-submit") && target.form) {
      target.form.submit();
    }
  });

  // htmx does not swap error responses: show the reason the server gave (a 403 says why).
  function showToast(text) {
    var toast = document.getElementById("toast");
    if (!toast) { return; }
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(showToast.timer);
    showToast.timer = window.setTimeout(function () { toast.hidden = true; }, 6000);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var message = doc.querySelector(".error-message");
    showToast(message ? message.textContent.trim() : xhr.status + " " + xhr.statusText);
  });
})();
