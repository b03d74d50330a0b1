// The couriers' page works without signal: this service worker keeps the
// page's own files and serves them from its cache when the network fails.
// The API is never cached; scans wait in the page's queue (IndexedDB).
'use strict';
const CACHE = 'zv-courier-v1';
const SHELL = ['/courier/', '/courier/app.js', '/courier/style.css'];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The page's files: from the network when it answers (kept for later),
// else from the cache. Everything else goes to the network untouched.
self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/courier/')) return;
  const key = ev.request.mode === 'navigate' ? '/courier/' : url.pathname;
  if (!SHELL.includes(key)) return;
  ev.respondWith(fetch(ev.request).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(key, copy));
    }
    return res;
  }).catch(() => caches.match(key).then((hit) => hit || Response.error())));
});
