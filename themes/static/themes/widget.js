/*! Sodan community widget. One script tag, no framework, no cookies.
 *
 * Embed:
 *   <div data-sodan-widget="BRAND"><a href="https://SODAN/b/BRAND/">BRAND community</a></div>
 *   <script src="https://SODAN/widget/BRAND.js" async></script>
 *
 * Works under a strict Content-Security-Policy on the host page: the host allows SODAN in
 * script-src (this file) and connect-src (the JSON); nothing else. The DOM is built with
 * createElement/textContent (no innerHTML, no eval, no inline event handlers), inside a
 * shadow root styled by a constructable stylesheet (adoptedStyleSheets), which style-src
 * does not govern, so the host needs no 'unsafe-inline'. Requests carry no credentials.
 * If the data can't be loaded (say, this web site isn't approved by the brand), the link
 * inside the placeholder stays as it is.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.fetch || !window.URL) { return; }
  var src = new URL(script.src);
  var found = /\/widget\/([A-Za-z0-9_-]+)\.js$/.exec(src.pathname);
  if (!found) { return; }
  var slug = found[1];
  var dataUrl = src.origin + "/widget/" + slug + "/data.json";
  var counter = 0;

  var CSS = [
    ":host{all:initial;display:block;--sodan-accent:#2563eb;font:inherit;font-family:inherit;color:#1f2937;line-height:1.5}",
    ".sodan{box-sizing:border-box;border:1px solid #d1d5db;border-top:4px solid var(--sodan-accent);border-radius:8px;background:#fff;padding:1rem;max-width:40rem}",
    ".sodan *{box-sizing:border-box}",
    "h2{font-size:1.15rem;margin:0 0 .6rem}",
    "h3{font-size:.95rem;margin:1rem 0 .3rem}",
    "form{display:flex;flex-wrap:wrap;gap:.5rem;margin:0}",
    "label{flex-basis:100%;font-weight:600;font-size:.9rem}",
    "input{flex:1;min-width:10rem;font:inherit;padding:.45rem .6rem;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#1f2937}",
    "button,.ask{font:inherit;cursor:pointer;border-radius:6px;padding:.45rem .9rem;border:1px solid var(--sodan-accent);background:var(--sodan-accent);color:#fff;text-decoration:none;display:inline-block}",
    "input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--sodan-accent);outline-offset:2px}",
    "ul{list-style:none;margin:0;padding:0}",
    "li{padding:.35rem 0;border-bottom:1px solid #e5e7eb}",
    "li:last-child{border-bottom:0}",
    "a{color:var(--sodan-accent)}",
    ".meta{display:block;color:#4b5563;font-size:.8rem}",
    ".empty{color:#4b5563}",
    ".foot{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;margin-top:1rem}",
    ".powered{font-size:.8rem;color:#4b5563}"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, name)) { node.setAttribute(name, attrs[name]); }
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function safeUrl(value) {
    try {
      var url = new URL(value, src.origin);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : src.origin;
    } catch (e) { return src.origin; }
  }

  function style(root, accent) {
    var rules = CSS.replace("#2563eb", /^#[0-9a-fA-F]{6}$/.test(accent || "") ? accent : "#2563eb");
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(rules);
      root.adoptedStyleSheets = [sheet];
    } else {
      // Older browsers: a <style> element, which a host CSP without 'unsafe-inline'
      // blocks; the widget then works unstyled.
      root.appendChild(el("style", {}, rules));
    }
  }

  function load(query) {
    var url = dataUrl + (query ? "?q=" + encodeURIComponent(query) : "");
    return fetch(url, { credentials: "omit", mode: "cors", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("Sodan widget: " + response.status); }
        return response.json();
      });
  }

  function threadList(items, emptyText) {
    var list = el("ul");
    if (!items.length) { list.appendChild(el("li", { "class": "empty" }, emptyText)); }
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("a", { href: safeUrl(item.url) }, item.title));
      li.appendChild(el("span", { "class": "meta" }, item.meta || item.summary || ""));
      list.appendChild(li);
    });
    return list;
  }

  function render(host, data) {
    var strings = data.strings;
    var id = "sodan-q-" + (++counter);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root === host) { while (host.firstChild) { host.removeChild(host.firstChild); } }
    style(root, data.accent);

    var box = el("section", { "class": "sodan", "aria-label": strings.title });
    box.appendChild(el("h2", {}, strings.title));
    var form = el("form", { role: "search", action: safeUrl(data.search_url), method: "get" });
    form.appendChild(el("label", { "for": id }, strings.search_label));
    var input = el("input", { type: "search", id: id, name: "q", autocomplete: "off" });
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit" }, strings.search_button));
    box.appendChild(form);

    var results = el("div", { "aria-live": "polite" });
    box.appendChild(results);
    box.appendChild(el("h3", {}, strings.top_solved));
    box.appendChild(threadList(data.top_solved, strings.no_results));

    var foot = el("div", { "class": "foot" });
    foot.appendChild(el("a", { "class": "ask", href: safeUrl(data.ask_url) }, strings.ask));
    foot.appendChild(el("a", { "class": "powered", href: safeUrl(data.brand.url) }, strings.powered));
    box.appendChild(foot);
    root.appendChild(box);

    var timer = null;
    var latest = "";
    function search(query) {
      latest = query;
      if (query.length < 2) { results.textContent = ""; return; }
      load(query).then(function (found) {
        if (found.query !== latest) { return; }
        results.textContent = "";
        results.appendChild(el("h3", {}, strings.results));
        results.appendChild(threadList(found.results, strings.no_results));
        if (found.articles.length) {
          results.appendChild(el("h3", {}, strings.articles));
          results.appendChild(threadList(found.articles, ""));
        }
        var more = el("a", { href: safeUrl(found.search_url + "&q=" + encodeURIComponent(query)) }, strings.more);
        results.appendChild(more);
      }).catch(function () { /* keep what is shown */ });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(input.value.trim());
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(input.value.trim()); }, 300);
    });
  }

  function mountAll() {
    var hosts = document.querySelectorAll('[data-sodan-widget="' + slug + '"]');
    if (!hosts.length && script.parentNode) {
      var created = el("div", { "data-sodan-widget": slug });
      script.parentNode.insertBefore(created, script.nextSibling);
      hosts = [created];
    }
    load("").then(function (data) {
      Array.prototype.forEach.call(hosts, function (host) {
        if (!host.getAttribute("data-sodan-mounted")) {
          host.setAttribute("data-sodan-mounted", "1");
          render(host, data);
        }
      });
    }).catch(function () { /* the placeholder link stays */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
