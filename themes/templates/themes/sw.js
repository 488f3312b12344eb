// Sodan's service worker: thread pages network first, the recently read ones kept for
// reading offline (at most {{ cap }}), and an offline page for anything else.
"use strict";
var VERSION = {{ version|safe }};
var SHELL = "sodan-shell-" + VERSION;
var THREADS = "sodan-threads";
var OFFLINE_URL = {{ offline_url|safe }};
var PRECACHE = {{ precache|safe }};
var CAP = {{ cap }};
var THREAD_PAGE = /^\/t\/\d+\//;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("sodan-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepThread(request, response) {
  return caches.open(THREADS).then(function (cache) {
    return cache.put(request, response).then(function () { return cache.keys(); })
      .then(function (keys) {
        // Oldest first: drop what is over the cap.
        return Promise.all(keys.slice(0, Math.max(0, keys.length - CAP)).map(function (key) {
          return cache.delete(key);
        }));
      });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    var isThread = THREAD_PAGE.test(url.pathname) && !url.search;
    event.respondWith(fetch(request).then(function (response) {
      if (isThread && response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(THREADS).then(function (cache) { return cache.delete(request); })
          .then(function () { return keepThread(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { cacheName: THREADS }).then(function (kept) {
        return kept || caches.match(OFFLINE_URL);
      });
    }));
    return;
  }
  if (PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});
