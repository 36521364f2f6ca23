// touchdose service worker (docs/reminders.md "Offline"). Served at /sw.js so its scope is the
// whole app. It keeps the app's own files and the check-in and follow-up pages the person has
// opened, so those forms open without a network; entries made offline are queued by pwa.js.
"use strict";

var SHELL = "touchdose-shell-v1";
var PAGES = "touchdose-pages-v1";
var SHELL_FILES = [
  "/static/touchdose/app.css",
  "/static/touchdose/pwa.js",
  "/static/touchdose/icons/icon-192.png",
];
// Pages whose form works offline: the check-in and a session's follow-up.
var OFFLINE_PAGES = [/^\/clients\/\d+\/checkin\/$/, /^\/sessions\/\d+\/followup\/\d+\/$/];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_FILES); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== SHELL && n !== PAGES; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function offlinePage() {
  var html = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>Offline · touchdose</title><link rel=stylesheet href='/static/touchdose/app.css'>" +
    "<main id=main><h1>You are offline</h1><p>Open the check-in from the menu once you are online; " +
    "after that it works without a network too.</p></main>";
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// Pages link their files by names with the content's hash in them (app.41e79eb104d7.css,
// docs/performance.md): a copy kept once never goes stale, so each one fetched is kept for the
// pages opened offline.
var HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;
function fetchStatic(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && HASHED.test(url.pathname)) {
      var copy = response.clone();
      caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  });
}

self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") { caches.delete(PAGES); }  // sent at logout
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetchStatic(request, url); }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  var keep = OFFLINE_PAGES.some(function (re) { return re.test(url.pathname); });
  event.respondWith(
    fetch(request).then(function (response) {
      if (keep && response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || offlinePage(); });
    })
  );
});
