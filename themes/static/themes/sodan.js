// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Dates on cached pages are written as dates; show them as "3 hours ago" in the page's
  // language, keeping the date itself as the tooltip.
  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
               ["hour", 3600], ["minute", 60]];
  function relativeTimes(root) {
    if (!window.Intl || !Intl.RelativeTimeFormat) { return; }
    var format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en",
                                             { numeric: "auto" });
    var now = Date.now();
    (root || document).querySelectorAll("time[data-relative]").forEach(function (time) {
      var when = Date.parse(time.getAttribute("datetime"));
      if (isNaN(when)) { return; }
      var seconds = Math.round((when - now) / 1000);
      var text = format.format(0, "second");
      for (var i = 0; i < UNITS.length; i++) {
        if (Math.abs(seconds) >= UNITS[i][1]) {
          text = format.format(Math.trunc(seconds / UNITS[i][1]), UNITS[i][0]);
          break;
        }
      }
      if (!time.title) { time.title = time.textContent.trim(); }
      time.textContent = text;
    });
  }
  relativeTimes(document);
  document.addEventListener("htmx:afterSwap", function (event) { relativeTimes(event.target); });

  // htmx does not swap error responses: show the reason the server gave (a 403 says why).
  function showToast(text) {
    var toast = document.getElementById("toast");
    if (!toast) { return; }
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(showToast.timer);
    showToast.timer = window.setTimeout(function () { toast.hidden = true; }, 6000);
  }
  // The header's menu folds away on a phone; without this script it simply stays open.
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    });
  }

  // Suggestions under the header's search: Escape or leaving the form puts them away.
  var headerSearch = document.querySelector(".header-search");
  if (headerSearch) {
    var suggestions = document.getElementById("header-suggestions");
    var clear = function () { suggestions.innerHTML = ""; };
    headerSearch.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { clear(); }
    });
    ["click", "focusin"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (!headerSearch.contains(event.target)) { clear(); }
      });
    });
  }

  // An installable site: the service worker keeps recently read threads for offline reading.
  // Thread pages kept for reading offline were read by whoever was signed in: once this
  // browser shows a page to nobody signed in (after logging out), they are dropped.
  try {
    if (document.body.hasAttribute("data-signed-in")) {
      localStorage.setItem("sodan-signed-in", "1");
    } else if (localStorage.getItem("sodan-signed-in")) {
      localStorage.removeItem("sodan-signed-in");
      if (window.caches) { caches.delete("sodan-threads"); }
    }
  } catch (e) { /* storage switched off: nothing was kept either */ }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* optional */ });
    });
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var message = doc.querySelector(".error-message");
    showToast(message ? message.textContent.trim() : xhr.status + " " + xhr.statusText);
  });
})();
