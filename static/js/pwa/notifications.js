// "Turn on notifications": subscribe this phone on a tap, list and remove the user's devices.
// Talks to the push API: GET key -> {public_key}; POST subscriptions {subscription, label};
// GET subscriptions -> the user's devices; DELETE subscriptions/<id>.
const panel = document.getElementById('push-panel');
const t = JSON.parse(document.getElementById('push-strings')?.textContent || '{}');
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';

const $ = (sel) => panel.querySelector(sel);
const stateText = $('[data-state-text]');
const enableBtn = $('[data-enable]');
const disableBtn = $('[data-disable]');
const iosHint = $('[data-ios-hint]');
const deviceList = document.querySelector('[data-devices]');
const devicesEmpty = document.querySelector('[data-devices-empty]');
const keyUrl = panel.dataset.keyUrl;
const subsUrl = panel.dataset.subscriptionsUrl;

const fill = (tpl, values) => String(tpl || '').replace(/%\((\w+)\)s/g, (_, k) => String(values[k] ?? ''));

export const isIos = () => /iPad|iPhone|iPod/.test(navigator.userAgent)
  || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
export const isStandalone = () => navigator.standalone === true || matchMedia('(display-mode: standalone)').matches;
const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

function show(text, { enable = false, disable = false, ios = false } = {}) {
  stateText.textContent = text;
  enableBtn.hidden = !enable;
  disableBtn.hidden = !disable;
  iosHint.hidden = !ios;
}

async function api(url, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (options.method && options.method !== 'GET') headers['X-CSRFToken'] = csrf;
  if (options.body) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { credentials: 'same-origin', ...options, headers });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.status === 204 ? null : response.json().catch(() => null);
}

function base64UrlToBytes(value) {
  const padded = (value + '='.repeat((4 - (value.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function deviceLabel(ua = navigator.userAgent) {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /SamsungBrowser/.test(ua) ? 'Samsung Internet' : /Chrome\/|Chromium\//.test(ua) ? 'Chrome'
      : /Safari\//.test(ua) ? 'Safari' : '';
  const system = /iPhone/.test(ua) ? 'iPhone' : /iPad/.test(ua) ? 'iPad' : /Android/.test(ua) ? 'Android'
    : /Mac OS X/.test(ua) ? 'Mac' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  if (!browser && !system) return t.unknownDevice;
  if (!browser || !system) return browser || system;
  return fill(t.labelFormat, { browser, system });
}

async function currentSubscription() {
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

function devicesOf(body) {
  if (Array.isArray(body)) return body;
  return (body && (body.items || body.subscriptions || body.devices)) || [];
}

async function refreshDevices(ownEndpoint) {
  let devices = [];
  try {
    devices = devicesOf(await api(subsUrl));
  } catch (e) {
    devices = [];
  }
  deviceList.replaceChildren();
  devicesEmpty.hidden = devices.length > 0;
  for (const device of devices) {
    const li = document.createElement('li');
    li.className = 'list__item pwa-device';
    const name = document.createElement('p');
    name.className = 'pwa-device__name';
    name.textContent = device.label || t.unknownDevice;
    if (ownEndpoint && device.endpoint === ownEndpoint) {
      const mine = document.createElement('span');
      mine.className = 'pwa-device__mine';
      mine.textContent = ` (${t.thisDevice})`;
      name.append(mine);
    }
    li.append(name);
    if (device.created_at) {
      const when = document.createElement('p');
      when.className = 'hint';
      when.textContent = fill(t.added, { date: new Date(device.created_at).toLocaleDateString(document.documentElement.lang, { timeZone: document.documentElement.dataset.timeZone || undefined }) });
      li.append(when);
    }
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button button--secondary';
    remove.textContent = t.remove;
    remove.setAttribute('aria-label', `${t.remove}: ${device.label || t.unknownDevice}`);
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        await api(`${subsUrl}/${encodeURIComponent(device.id)}`, { method: 'DELETE' });
        if (ownEndpoint && device.endpoint === ownEndpoint) {
          await (await currentSubscription())?.unsubscribe();
        }
        stateText.textContent = t.removed;
        await refresh();
      } catch (e) {
        remove.disabled = false;
        stateText.textContent = t.error;
      }
    });
    li.append(remove);
    deviceList.append(li);
  }
  return devices;
}

let ownSubscription = null;

async function refresh() {
  if (isIos() && !isStandalone()) {
    show(t.iosInstall, { ios: true });
    await refreshDevices(null);
    return;
  }
  if (!supported()) {
    show(t.unsupported);
    await refreshDevices(null);
    return;
  }
  const sub = ownSubscription || (await currentSubscription());
  const devices = await refreshDevices(sub && sub.endpoint);
  const registered = sub && devices.some((d) => d.endpoint === undefined || d.endpoint === sub.endpoint);
  if (Notification.permission === 'denied') show(t.denied);
  else if (sub && registered) show(t.on, { disable: true });
  else show(t.off, { enable: true });
}

async function enable() {
  // Called from the click: browsers ask for permission only on a user gesture.
  enableBtn.disabled = true;
  show(t.working);
  try {
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      show(permission === 'denied' ? t.denied : t.off, { enable: permission !== 'denied' });
      return;
    }
    const { public_key: publicKey } = await api(keyUrl);
    const reg = await navigator.serviceWorker.ready;
    const sub = (await reg.pushManager.getSubscription())
      || (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) }));
    const json = typeof sub.toJSON === 'function' ? sub.toJSON() : sub;
    await api(subsUrl, { method: 'POST', body: JSON.stringify({ subscription: json, label: deviceLabel() }) });
    ownSubscription = sub;
    await refresh();
  } catch (e) {
    show(t.error, { enable: true });
  } finally {
    enableBtn.disabled = false;
  }
}

async function disable() {
  disableBtn.disabled = true;
  try {
    const sub = ownSubscription || (await currentSubscription());
    const devices = devicesOf(await api(subsUrl));
    const mine = sub && devices.find((d) => d.endpoint === sub.endpoint);
    if (mine) await api(`${subsUrl}/${encodeURIComponent(mine.id)}`, { method: 'DELETE' });
    if (sub && typeof sub.unsubscribe === 'function') await sub.unsubscribe();
    ownSubscription = null;
    await refresh();
  } catch (e) {
    show(t.error, { disable: true });
  } finally {
    disableBtn.disabled = false;
  }
}

if (panel) {
  enableBtn.addEventListener('click', enable);
  disableBtn.addEventListener('click', disable);
  refresh();
}
