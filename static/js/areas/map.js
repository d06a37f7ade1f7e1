// The areas map page. Shows the areas in the viewport (mine, joinable, pending) and
// keeps an accessible list of them in step with the map.
//
// Hook for other layers (the alerts domain): `mapReady` resolves to
// { map, L, areasLayer } once the map exists; the container #area-map also fires
// the DOM event "areas:map-ready" with the same detail.
import { L, baseMap, el, fmt, locate, readConfig } from './base.js';

const config = readConfig('area-map-config');
const msg = config.messages;
const container = document.getElementById('area-map');
const status = document.getElementById('area-map-status');
const list = document.getElementById('area-nearby-list');

const map = baseMap('area-map', config);
const areasLayer = L.geoJSON(null, { style: styleFor, onEachFeature: bindPopup }).addTo(map);
let resolveReady;
export const mapReady = new Promise((resolve) => { resolveReady = resolve; });

function styleFor(feature) {
  const p = feature.properties;
  if (p.status === 'pending') return { className: 'area-shape area-shape--pending', weight: 2, dashArray: '6 4' };
  if (p.my_role) return { className: 'area-shape area-shape--mine', weight: 3 };
  return { className: 'area-shape area-shape--other', weight: 2 };
}

function areaUrl(id) {
  return config.areaUrl.replace('{id}', String(id));
}

function summary(p) {
  const box = el('div', 'area-popup');
  box.append(el('strong', null, p.name));
  box.append(el('p', 'hint', (p.kind === 'batsamverkan' ? msg.boat : msg.neighbourhood) + ' · ' + p.municipality));
  box.append(el('p', null, p.status === 'pending' ? msg.pending : (p.my_role ? msg.mine : msg.join)));
  const link = el('a', null, msg.open + ': ' + p.name);
  link.href = areaUrl(p.id);
  box.append(link);
  return box;
}

function bindPopup(feature, layer) {
  layer.bindPopup(() => summary(feature.properties));
}

function distanceKm(feature) {
  const c = map.getCenter();
  const [minLon, minLat, maxLon, maxLat] = feature.bbox;
  const lon = Math.max(minLon, Math.min(c.lng, maxLon));
  const lat = Math.max(minLat, Math.min(c.lat, maxLat));
  return map.distance(c, [lat, lon]) / 1000;
}

function renderList(features) {
  list.replaceChildren();
  const sorted = features.map((f) => [distanceKm(f), f]).sort((a, b) => a[0] - b[0]);
  for (const [km, f] of sorted) {
    const p = f.properties;
    const item = el('li', 'list__item');
    const link = el('a', null, p.name);
    link.href = areaUrl(p.id);
    item.append(link);
    const state = p.status === 'pending' ? msg.pending : (p.my_role ? msg.mine : msg.join);
    const where = km < 0.05 ? '' : ' · ' + fmt(msg.distance, { km: km.toFixed(1) });
    item.append(el('span', 'hint', ' · ' + state + where));
    list.append(item);
  }
  if (!sorted.length) list.append(el('li', 'hint', msg.none));
}

let controller = null;
let timer = null;

async function load() {
  if (controller) controller.abort();
  controller = new AbortController();
  const b = map.getBounds();
  const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v)).toFixed(6);
  const bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(',');
  status.textContent = msg.loading;
  try {
    const response = await fetch(`${config.api}?bbox=${bbox}`, { credentials: 'same-origin', signal: controller.signal, headers: { Accept: 'application/geo+json, application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    areasLayer.clearLayers();
    areasLayer.addData(data);
    renderList(data.features);
    status.textContent = fmt(msg.count, { n: data.features.length });
  } catch (error) {
    if (error.name !== 'AbortError') status.textContent = msg.failed;
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(load, 250);
}

// "Near me": after geolocation, list the active areas within the configured distance
// (AREA_NEARBY_M), measured by the server from the position rather than the viewport.
const nearSection = document.getElementById('area-near-me-section');
const nearStatus = document.getElementById('area-near-me-status');
const nearList = document.getElementById('area-near-me-list');

async function listNearMe(ll) {
  if (!ll) return;
  const km = (config.nearbyM / 1000).toFixed(0);
  nearSection.hidden = false;
  nearList.replaceChildren();
  nearStatus.textContent = msg.loading;
  try {
    const url = `${config.nearApi}?lon=${ll[1].toFixed(6)}&lat=${ll[0].toFixed(6)}`;
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    for (const a of data.items) {
      const item = el('li', 'list__item');
      const link = el('a', null, a.name);
      link.href = areaUrl(a.id);
      item.append(link);
      const where = a.distance_m < 1 ? msg.inside : fmt(msg.distance, { km: (a.distance_m / 1000).toFixed(1) });
      const kind = a.kind === 'batsamverkan' ? msg.boat : msg.neighbourhood;
      item.append(el('span', 'hint', ` · ${kind} · ${a.my_role ? msg.mine : msg.join} · ${where}`));
      nearList.append(item);
    }
    nearStatus.textContent = data.items.length ? fmt(msg.nearCount, { n: data.items.length, km }) : fmt(msg.nearNone, { km });
  } catch (error) {
    nearStatus.textContent = msg.failed;
  }
}

map.on('moveend', schedule);
document.getElementById('area-near-me').addEventListener('click', async () => listNearMe(await locate(map, status, msg, 14)));
load();

const detail = { map, L, areasLayer };
resolveReady(detail);
container.dispatchEvent(new CustomEvent('areas:map-ready', { detail, bubbles: true }));
