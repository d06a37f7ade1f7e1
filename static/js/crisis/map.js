// Trygghetspunkter: the map from the GeoJSON feed, "nearest to me" computed on the phone (great-circle, labelled
// as the crow flies: no routing runs offline), and a public copy of the pages kept for when the network is gone.
// The list itself is server-rendered and works without this script.
import { L, fmt, readConfig } from '../areas/base.js';

const PUBLIC_CACHE = 'watch-public';
const config = readConfig('crisis-map-config');
const list = document.getElementById('crisis-points');
const status = document.getElementById('crisis-status');
const lang = document.documentElement.lang || 'sv';

function metres(lon1, lat1, lon2, lat2) {
  const rad = Math.PI / 180;
  const dp = (lat2 - lat1) * rad;
  const dl = (lon2 - lon1) * rad;
  const a = Math.sin(dp / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dl / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(Math.min(1, a)));
}

function label(m) {
  if (m < 1000) {
    const n = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.max(10, Math.round(m / 10) * 10));
    return fmt(config.messages.m, { n });
  }
  const n = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.round(m / 100) / 10);
  return fmt(config.messages.km, { n });
}

function sortFrom(lat, lon) {
  const items = Array.from(list.querySelectorAll('li[data-lat]'));
  items.map((li) => [metres(lon, lat, Number(li.dataset.lon), Number(li.dataset.lat)), li])
    .sort((x, y) => x[0] - y[0])
    .forEach(([m, li]) => {
      const span = li.querySelector('.crisis-distance');
      span.textContent = label(m);
      span.hidden = false;
      list.appendChild(li);
    });
  status.textContent = config.messages.sorted;
}

// Keep the anonymous (public) copy of this municipality's pages: it survives logging out and another person's login.
async function keepPublicCopy() {
  if (!('serviceWorker' in navigator) || !('caches' in window) || !navigator.onLine) return;
  await navigator.serviceWorker.ready;
  const cache = await caches.open(PUBLIC_CACHE);
  await Promise.all(config.cache.map(async (url) => {
    try {
      const response = await fetch(url, { credentials: 'omit', cache: 'no-cache' });
      if (response.ok) await cache.put(url, response);
    } catch (e) { /* the network went: keep the copy we had */ }
  }));
  document.documentElement.dataset.crisisCached = 'yes';
}

if (config && list) {
  document.querySelectorAll('.js-only').forEach((node) => { node.hidden = false; });
  const map = L.map('crisis-map', { tap: true }).setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  fetch(config.geojson).then((r) => (r.ok ? r.json() : null)).then((data) => {
    if (!data || !data.features.length) return;
    const layer = L.geoJSON(data, {
      onEachFeature: (feature, marker) => {
        const p = feature.properties;
        const box = document.createElement('div');
        const link = document.createElement('a');
        link.href = p.url;
        link.textContent = p.name;
        const state = document.createElement('p');
        state.textContent = p.status_label + (p.address ? ' · ' + p.address : '');
        box.append(link, state);
        marker.bindPopup(box);
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });
    document.documentElement.dataset.crisisMap = String(data.features.length);
  }).catch(() => { /* offline without a copy: the list below still works */ });
  document.getElementById('crisis-nearest').addEventListener('click', () => {
    if (!('geolocation' in navigator)) {
      status.textContent = config.messages.locateFailed;
      return;
    }
    status.textContent = config.messages.locating;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        sortFrom(pos.coords.latitude, pos.coords.longitude);
        map.setView([pos.coords.latitude, pos.coords.longitude], 14);
        L.circleMarker([pos.coords.latitude, pos.coords.longitude], { radius: 8 }).addTo(map);
      },
      () => { status.textContent = config.messages.locateFailed; },
      { enableHighAccuracy: true, maximumAge: 60000, timeout: 10000 },
    );
  });
  keepPublicCopy();
}
