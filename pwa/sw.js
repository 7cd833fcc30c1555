// Kindred's service worker: keeps the whole app in the browser's cache so it opens offline.
// Generated into the site by `kindred pwa build`, which fills in the cache name and the file list.
// It only ever caches this site's own files, and never sees private data (that lives in
// IndexedDB, written by the Python worker).
"use strict";

const CACHE_NAME = "%CACHE_NAME%";
const PRECACHE = %PRECACHE%;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE_NAME).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("kindred-") && n !== CACHE_NAME).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // never touch other sites' requests
  if (request.mode === "navigate") {
    // Any page of the app (path routing): the cached shell, refreshed from the network when online.
    event.respondWith(
      fetch(request).catch(() => caches.match("./index.html", { ignoreSearch: true }))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => {
      if (cached) return cached;
      return fetch(request).then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE_NAME).then((cache) => cache.put(request, copy));
        }
        return response;
      });
    })
  );
});
