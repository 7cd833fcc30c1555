// Kindred's service worker: keeps the app in the browser's cache so it opens offline.
// Generated into the site by `kindred pwa build`, which fills in the cache name and the file
// lists, each file with a revision (a hash of its bytes).
// It only ever caches this site's own files, and never sees private data (that lives in
// IndexedDB, written by the Python worker).
//
// - PRECACHE: what every browser needs, fetched at install.
// - ON_USE: files only some browsers use (Flutter's CanvasKit variants): cached when this
//   browser loads them, or when the page lists what it used once the first screen is up,
//   so a browser stores one variant, not all of them.
// - After a new deploy only files whose revision changed are downloaded; the rest are
//   copied from the previous cache.
"use strict";

const CACHE_NAME = "%CACHE_NAME%";
const PRECACHE = %PRECACHE%;
const ON_USE = %ON_USE%;
const REVISIONS = new Map([...PRECACHE, ...ON_USE]);
const REVISION_HEADER = "x-kindred-revision";

function key(url) {
  const u = new URL(url, self.registration.scope);
  return "./" + u.pathname.slice(new URL(self.registration.scope).pathname.length);
}

async function withRevision(response, revision) {
  const headers = new Headers(response.headers);
  headers.set(REVISION_HEADER, revision);
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

async function store(cache, path, revision, previous) {
  const have = await cache.match(path);
  if (have && have.headers.get(REVISION_HEADER) === revision) return;
  for (const old of previous) {
    const hit = await old.match(path);
    if (hit && hit.headers.get(REVISION_HEADER) === revision) {
      await cache.put(path, hit);
      return;
    }
  }
  const response = await fetch(path, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  await cache.put(path, await withRevision(response, revision));
}

async function storeAll(entries) {
  const cache = await caches.open(CACHE_NAME);
  const names = (await caches.keys()).filter((n) => n.startsWith("kindred-") && n !== CACHE_NAME);
  const previous = await Promise.all(names.map((n) => caches.open(n)));
  const queue = [...entries];
  // A few downloads at a time: enough to fill the pipe, few enough for a small phone.
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (queue.length) {
      const [path, revision] = queue.shift();
      await store(cache, path, revision, previous);
    }
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(storeAll([["./", REVISIONS.get("./index.html")], ...PRECACHE]).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("kindred-") && n !== CACHE_NAME).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  // The page, once the first screen is up: "these are the files I loaded" — keep the ones
  // only some browsers use (it loaded them before this worker was in control).
  const used = event.data && event.data.kindredUsed;
  if (!Array.isArray(used)) return;
  const wanted = [...new Set(used.map(key))].filter((path) => ON_USE.some(([p]) => p === path));
  event.waitUntil(storeAll(wanted.map((path) => [path, REVISIONS.get(path)])).catch(() => {}));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // never touch other sites' requests
  if (request.mode === "navigate") {
    // Any page of the app (path routing): the cached shell, refreshed from the network when online.
    event.respondWith(
      fetch(request).catch(() => caches.match("./index.html", { ignoreSearch: true }).then((r) => r || caches.match("./")))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => {
      if (cached) return cached;
      return fetch(request).then((response) => {
        const revision = REVISIONS.get(key(request.url));
        if (response.ok && response.type === "basic" && revision) {
          const copy = response.clone();
          event.waitUntil(withRevision(copy, revision).then((r) => caches.open(CACHE_NAME).then((cache) => cache.put(request, r))));
        }
        return response;
      });
    })
  );
});
