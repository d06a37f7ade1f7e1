// Service worker. The server prepends `const WATCH = {...}` (version, precache list, URLs).
// Caches: the shell (versioned assets + offline page, cache-first) and runtime
// (pages and API reads, network-first; cleared on logout and when the user changes).
/* global WATCH */
'use strict';

const SHELL = 'watch-shell-' + WATCH.version;
// Not versioned: a deploy must not throw away the pages a user can read offline.
const RUNTIME = 'watch-runtime';
// Public pages a page chose to keep (trygghetspunkter), fetched without cookies: nobody's data, so they stay
// across logins and logouts (a crisis is when the network fails).
const PUBLIC = 'watch-public';
const DB_NAME = 'watch-pwa';
const SYNC_TAG = 'watch-alert-queue';
const NAV_TIMEOUT_MS = 8000;
// 4xx answers that will not change on a retry: the queued entry is dropped.
const FINAL_4XX = new Set([400, 403, 404, 409, 410, 413, 415, 422]);

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(WATCH.precache)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, RUNTIME, PUBLIC]);
    for (const name of await caches.keys()) {
      if (name.startsWith('watch-') && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// ---- IndexedDB: the alert queue and the worker's memory of who is logged in.
function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('queue', { keyPath: 'key' });
      req.result.createObjectStore('meta');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(store, mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const result = fn(t.objectStore(store));
    t.oncomplete = () => { db.close(); resolve(result && 'result' in result ? result.result : undefined); };
    t.onerror = () => { db.close(); reject(t.error); };
  });
}

const queueAll = () => tx('queue', 'readonly', (s) => s.getAll());
const queuePut = (entry) => tx('queue', 'readwrite', (s) => s.put(entry));
const queueDelete = (key) => tx('queue', 'readwrite', (s) => s.delete(key));
const metaGet = (name) => tx('meta', 'readonly', (s) => s.get(name));
const metaSet = (name, value) => tx('meta', 'readwrite', (s) => s.put(value, name));

async function broadcast(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true, type: 'window' })) {
    client.postMessage(message);
  }
}

async function queueState(user) {
  const all = await queueAll();
  return all.filter((e) => e.user === (user || '')).map((e) => ({ key: e.key, created: e.created, summary: e.summary }));
}

async function announceQueue() {
  const user = await metaGet('user');
  await broadcast({ type: 'queue', pending: await queueState(user) });
}

// ---- Private data: never shown to the next person who logs in on this phone.
async function clearRuntime() {
  for (const name of await caches.keys()) {
    if (name.startsWith('watch-runtime')) await caches.delete(name);
  }
}

async function setUser(user) {
  const previous = await metaGet('user');
  if ((previous || '') !== (user || '')) {
    await clearRuntime();
    await metaSet('user', user || '');
  }
}

// ---- The offline queue.
// At most `max` characters, cut at a word boundary, with an ellipsis when cut.
function shorten(text, max) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '') + '…';
}

function summaryOf(bodyText) {
  try {
    const data = JSON.parse(bodyText);
    return shorten(String(data.title || data.description || data.text || ''), 80);
  } catch (e) {
    return '';
  }
}

async function queueOrSend(request) {
  let key = request.headers.get('Idempotency-Key');
  const headers = new Headers(request.headers);
  if (!key) {
    key = self.crypto.randomUUID();
    headers.set('Idempotency-Key', key);
  }
  const body = await request.clone().text();
  try {
    return await fetch(request.url, { method: 'POST', headers, body, credentials: 'same-origin' });
  } catch (err) {
    const entry = {
      key,
      url: request.url,
      body,
      contentType: headers.get('Content-Type') || 'application/json',
      user: (await metaGet('user')) || '',
      created: new Date().toISOString(),
      summary: summaryOf(body),
    };
    await queuePut(entry);
    if (self.registration.sync) {
      try { await self.registration.sync.register(SYNC_TAG); } catch (e) { /* no permission: the page retries */ }
    }
    await announceQueue();
    return new Response(JSON.stringify({ queued: true, idempotency_key: key }), {
      status: 202, headers: { 'Content-Type': 'application/json' },
    });
  }
}

let flushing = null;

function flush() {
  // One flush at a time: sync, `online` and app start may all ask at once.
  if (!flushing) flushing = doFlush().finally(() => { flushing = null; });
  return flushing;
}

async function doFlush() {
  const entries = await queueAll();
  if (!entries.length) return;
  const probe = await fetch(WATCH.session, { credentials: 'same-origin', cache: 'no-store' });
  const me = probe.ok ? await probe.json() : null;
  if (!me || !me.user) return; // logged out: wait until the author logs in again
  await setUser(me.user);
  let retryLater = false;
  for (const entry of entries.filter((e) => e.user === me.user)) {
    let response;
    try {
      response = await fetch(entry.url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': entry.contentType, 'Idempotency-Key': entry.key, 'X-CSRFToken': me.csrf_token || '' },
        body: entry.body,
      });
    } catch (err) {
      retryLater = true;
      break;
    }
    if (response.ok) {
      await queueDelete(entry.key);
      const location = response.headers.get('Location');
      await broadcast({ type: 'sent', key: entry.key, location });
    } else if (FINAL_4XX.has(response.status)) {
      await queueDelete(entry.key);
      await broadcast({ type: 'failed', key: entry.key, status: response.status });
    } else {
      retryLater = true; // 401, 408, 429, 5xx: try again later
      break;
    }
  }
  await announceQueue();
  if (retryLater) throw new Error('queue not empty');
}

async function flushSoon() {
  // The `online` event often comes a moment before requests get through.
  for (const wait of [0, 1000, 3000, 7000]) {
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      await flush();
      return;
    } catch (e) { /* still offline, or the server said later: try again */ }
  }
}

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(flush());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'hello') {
    // Only answers: who is logged in is learned from responses (X-Watch-User), which
    // cannot arrive out of order with the pages they belong to, as messages can.
    event.waitUntil(queueState(data.user).then((pending) => event.source && event.source.postMessage({ type: 'queue', pending })));
  } else if (data.type === 'flush') {
    event.waitUntil(flushSoon());
  } else if (data.type === 'logout') {
    event.waitUntil(clearRuntime().then(() => metaSet('user', '')));
  }
});

// ---- Fetch strategies.
function sameOrigin(url) {
  return url.origin === self.location.origin;
}

async function fromShell(request) {
  const cache = await caches.open(SHELL);
  const hit = (await cache.match(request, { ignoreVary: true }))
    || (await cache.match(request, { ignoreSearch: true, ignoreVary: true }));
  if (hit) return hit;
  return fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function networkFirst(request, isPage) {
  const cache = await caches.open(RUNTIME);
  const network = fetch(request);
  const keep = network.then(async (response) => {
    const owner = response.headers.get('X-Watch-User');
    if (owner !== null) await setUser(owner); // another person: forget the last one's pages first
    if (response.ok && response.type === 'basic' && !response.redirected && owner !== null) {
      await cache.put(request, response.clone());
    }
    return response;
  });
  try {
    return await (isPage ? withTimeout(keep, NAV_TIMEOUT_MS) : keep);
  } catch (err) {
    // Vary: Cookie would never match offline; the cache is per user anyway (cleared on change).
    const cached = (await cache.match(request, { ignoreVary: true }))
      || (await (await caches.open(PUBLIC)).match(request.url, { ignoreVary: true }));
    if (cached) return cached;
    if (isPage) {
      const offline = await caches.match(WATCH.offline);
      if (offline) return offline;
    }
    if (!isPage) {
      return new Response(JSON.stringify({ error: { status: 503, code: 'offline', message: 'offline' } }), {
        status: 503, headers: { 'Content-Type': 'application/json' },
      });
    }
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (!sameOrigin(url)) return; // map tiles and the like: the browser's own cache
  if (request.method === 'POST' && WATCH.queued.includes(url.pathname)) {
    event.respondWith(queueOrSend(request));
    return;
  }
  if (request.method === 'POST' && url.pathname === WATCH.logout) {
    event.waitUntil(clearRuntime().then(() => metaSet('user', '')));
    return;
  }
  if (request.method !== 'GET') return;
  // Fetched without cookies (a page keeping its public copy): not this person's, so it must not touch their state.
  if (request.credentials === 'omit') return;
  if (url.pathname === '/sw.js' || url.pathname === WATCH.session) return;
  if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/vendor/') || url.pathname === WATCH.offline) {
    event.respondWith(fromShell(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, true));
  } else if (url.pathname.startsWith('/api/') || WATCH.public.some((prefix) => url.pathname.startsWith(prefix))) {
    event.respondWith(networkFirst(request, false));
  }
});

// ---- Push: show the alert or notice (title, body, url); a click opens (or focuses) its page.
function safeUrl(raw) {
  try {
    const url = new URL(raw || '/', self.location.origin);
    return sameOrigin(url) ? url.href : self.location.origin + '/';
  } catch (e) {
    return self.location.origin + '/';
  }
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : '' };
  }
  const title = String(data.title || WATCH.name);
  event.waitUntil(self.registration.showNotification(title, {
    body: String(data.body || ''),
    tag: data.tag ? String(data.tag) : undefined,
    renotify: Boolean(data.tag),
    icon: WATCH.icon,
    badge: WATCH.badge,
    timestamp: Date.now(),
    data: { url: safeUrl(data.url), alert_id: data.alert_id, category: data.category, notice_id: data.notice_id, kind: data.kind },
  }));
});

// ---- Push: the browser renewed its subscription. Subscribe again if it did not, and tell
// the server, proving with the old subscription's keys that this is the same device (no
// login or CSRF token here: the page may be closed and the session over).
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    let fresh = event.newSubscription;
    if (!fresh) {
      const key = old && old.options && old.options.applicationServerKey;
      if (!key) return; // nothing to resubscribe with: the page registers again on the next visit
      fresh = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    if (!old) return; // no proof of the old device: the page registers the new one when opened
    await fetch('/api/v1/push/subscriptions/rotate', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ old: old.toJSON(), subscription: fresh.toJSON() }),
    });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || self.location.origin + '/';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const exact = windows.find((c) => c.url === target);
    if (exact) return exact.focus();
    for (const client of windows) {
      try {
        // navigate() works only for pages this worker controls.
        const moved = await client.navigate(target);
        if (moved) return moved.focus();
      } catch (e) { /* not ours: try the next, or open a window */ }
    }
    return self.clients.openWindow(target);
  })());
});
