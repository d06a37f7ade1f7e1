// Every page: register the service worker, keep it told who is logged in, show
// the offline state and the queue of reports waiting to be sent.
const config = JSON.parse(document.getElementById('pwa-config')?.textContent || '{}');
const strings = config.strings || {};
const status = document.getElementById('pwa-status');
// null on the cached offline page: it does not know who is logged in.
const user = config.user;

function say(text, kind = 'info') {
  if (!status || !text) return;
  const p = document.createElement('p');
  p.className = `pwa-note pwa-note--${kind}`;
  p.textContent = text;
  status.querySelector('.pwa-note--transient')?.remove();
  p.classList.add('pwa-note--transient');
  status.append(p);
  setTimeout(() => p.remove(), 10000);
}

function format(template, values) {
  return String(template || '').replace(/%\((\w+)\)s/g, (_, k) => String(values[k] ?? ''));
}

let retryTimer = null;

function renderQueue(pending) {
  // While something waits, keep asking now and then (no Background Sync in Safari and Firefox).
  if (pending.length && !retryTimer) retryTimer = setInterval(() => navigator.onLine && post({ type: 'flush' }), 30000);
  if (!pending.length && retryTimer) { clearInterval(retryTimer); retryTimer = null; }
  if (!status) return;
  let box = status.querySelector('.pwa-queue');
  if (!pending.length) {
    box?.remove();
    document.dispatchEvent(new CustomEvent('watch:queue', { detail: { pending } }));
    return;
  }
  if (!box) {
    box = document.createElement('div');
    box.className = 'pwa-queue pwa-note pwa-note--waiting';
    status.prepend(box);
  }
  box.replaceChildren();
  const head = document.createElement('p');
  head.className = 'pwa-queue__head';
  head.textContent = pending.length === 1 ? strings.waitingOne : format(strings.waitingMany, { n: pending.length });
  box.append(head);
  const list = document.createElement('ul');
  for (const entry of pending) {
    const li = document.createElement('li');
    li.className = 'pwa-queue__item';
    li.dataset.key = entry.key;
    li.textContent = entry.summary || strings.untitled;
    list.append(li);
  }
  box.append(list);
  const hint = document.createElement('p');
  hint.className = 'pwa-queue__hint';
  hint.textContent = strings.waitingHint;
  box.append(hint);
  document.dispatchEvent(new CustomEvent('watch:queue', { detail: { pending } }));
}

function setOnline(online, announce) {
  document.body.classList.toggle('is-offline', !online);
  const banner = document.getElementById('pwa-offline');
  if (banner) {
    // A live region: filling it in is what gets it read out.
    banner.hidden = online;
    banner.textContent = online ? '' : banner.dataset.text;
  }
  // The banner itself says it when offline; coming back is announced once.
  if (announce && online) say(strings.online, 'ok');
}

async function post(message) {
  const reg = await navigator.serviceWorker.ready;
  (navigator.serviceWorker.controller || reg.active)?.postMessage(message);
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'queue') renderQueue(data.pending || []);
    else if (data.type === 'sent') say(strings.sent, 'ok');
    else if (data.type === 'failed') say(strings.failed, 'error');
    if (data.type === 'sent' || data.type === 'failed') document.dispatchEvent(new CustomEvent(`watch:${data.type}`, { detail: data }));
  });
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  if (user !== null && user !== undefined) {
    post({ type: 'hello', user }).then(() => { if (navigator.onLine && user) post({ type: 'flush' }); });
  }
  window.addEventListener('online', () => post({ type: 'flush' }));
  // Logging out: the worker drops cached pages before the next person uses this phone.
  for (const form of document.forms) {
    if (config.logout && new URL(form.action, location.href).pathname === config.logout) {
      form.addEventListener('submit', () => post({ type: 'logout' }));
    }
  }
}

setOnline(navigator.onLine, false);
window.addEventListener('online', () => setOnline(true, true));
window.addEventListener('offline', () => setOnline(false, true));
