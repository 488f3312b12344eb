// Drafts: what a person types in a post form (form[data-draft]) is kept in this browser
// until the server has saved it, so a failed CSRF check, an ended session, a server error
// or a closed tab loses nothing (qa/drafts.py says how the server confirms a save).
(function () {
  "use strict";
  var PREFIX = "sodan:draft:";
  var SAVED_COOKIE = "sodan_drafts_saved";
  var KEEP_MS = 30 * 24 * 60 * 60 * 1000;  // a draft nobody came back to in a month goes
  var DELAY_MS = 400;
  var TYPED = ["text", "search", "url", "email", "tel", "number"];

  var store;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return;  // storage switched off: the forms work as before
  }

  function read(key) {
    try { return JSON.parse(store.getItem(PREFIX + key) || "null"); } catch (error) { return null; }
  }
  function write(key, draft) {
    try { store.setItem(PREFIX + key, JSON.stringify(draft)); } catch (error) { /* full */ }
  }
  function forget(key) { store.removeItem(PREFIX + key); }

  // The server names the drafts of posts it saved in a short-lived cookie: forget them.
  function forgetSaved() {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + SAVED_COOKIE + "=([^;]*)"));
    if (!match) { return; }
    var value = decodeURIComponent(match[1].replace(/^"|"$/g, ""));
    value.split("|").forEach(function (key) { if (key) { forget(key); } });
    document.cookie = SAVED_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  function forgetOld() {
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) {
        var draft = read(name.slice(PREFIX.length));
        if (!draft || !draft.at || now - draft.at > KEEP_MS) { store.removeItem(name); }
      }
    }
  }

  // The fields a person types into: text boxes, text areas and the radio choices (the
  // kind of post). They decide whether there is a draft at all.
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled) { return false; }
      if (field.tagName === "TEXTAREA") { return true; }
      return field.tagName === "INPUT" && (field.type === "radio" || TYPED.indexOf(field.type) >= 0);
    });
  }

  // Hidden fields travel with the text they were shown with: the form's one-time
  // submission token (a retry of a post that was in fact saved is recognised) and the
  // revision an edit started from (an edit saved meanwhile is detected). Not the CSRF token.
  function hidden(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.type === "hidden" && field.name !== "csrfmiddlewaretoken";
    });
  }

  function typed(form) {
    var out = {};
    fields(form).forEach(function (field) {
      if (field.type === "radio") {
        if (field.checked) { out[field.name] = field.value; }
      } else {
        out[field.name] = field.value;
      }
    });
    return out;
  }

  function values(form) {
    var out = { typed: typed(form), hidden: {} };
    hidden(form).forEach(function (field) { out.hidden[field.name] = field.value; });
    return out;
  }

  function apply(form, data) {
    hidden(form).forEach(function (field) {
      if (Object.prototype.hasOwnProperty.call(data.hidden || {}, field.name)) {
        field.value = data.hidden[field.name];
      }
    });
    fields(form).forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(data.typed, field.name)) { return; }
      if (field.type === "radio") {
        field.checked = field.value === data.typed[field.name];
      } else {
        field.value = data.typed[field.name];
      }
    });
  }

  // Still as the server sent it (the browser may have put back what was typed already).
  function untouched(form) {
    return fields(form).every(function (field) {
      return field.type === "radio" ? field.checked === field.defaultChecked
                                    : field.value === field.defaultValue;
    });
  }

  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) { return (a[name] || "") === (b[name] || ""); });
  }

  function notice(form, original) {
    var box = document.createElement("p");
    box.className = "notice draft-notice";
    box.setAttribute("role", "status");
    box.appendChild(document.createTextNode(form.getAttribute("data-draft-notice") + " "));
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button draft-discard";
    discard.textContent = form.getAttribute("data-draft-discard");
    discard.addEventListener("click", function () {
      apply(form, original);
      forget(form.getAttribute("data-draft"));
      box.remove();
      var first = fields(form)[0];
      if (first) { first.focus(); }
    });
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
  }

  function keep(form) {
    var key = form.getAttribute("data-draft");
    var original = values(form);
    var draft = read(key);
    // A form sent back with errors already holds what the person sent: leave it.
    if (draft && draft.values && draft.values.typed && !form.hasAttribute("data-draft-bound") &&
        untouched(form) && !same(draft.values.typed, original.typed)) {
      apply(form, draft.values);
      notice(form, original);
    }
    var timer = null;
    function save() {
      window.clearTimeout(timer);
      timer = null;
      var now = values(form);
      if (same(now.typed, original.typed)) {
        forget(key);
      } else {
        write(key, { values: now, at: Date.now() });
      }
    }
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Kept before it leaves: the post may fail, and only the server's answer forgets it.
    form.addEventListener("submit", save);
    window.addEventListener("pagehide", function () { if (timer !== null) { save(); } });
  }

  function start() {
    forgetSaved();
    forgetOld();
    document.querySelectorAll("form[data-draft]").forEach(keep);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
