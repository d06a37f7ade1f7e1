// The alert layer: fetches the visible alerts for the map's viewport and shows them
// clustered; popups and the list are built from DOM nodes with textContent only.
// Exported so that another map page (e.g. the areas map) can add the same layer.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// In the server's time zone (<html data-time-zone>, e.g. Europe/Stockholm), as the pages show it, not the browser's.
export function when(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const options = { dateStyle: 'short', timeStyle: 'short' };
  const zone = document.documentElement.dataset.timeZone;
  if (zone) options.timeZone = zone;
  try {
    return d.toLocaleString(document.documentElement.lang || undefined, options);
  } catch (e) { // an unknown zone name: the browser's own
    delete options.timeZone;
    return d.toLocaleString(document.documentElement.lang || undefined, options);
  }
}

export function alertSummary(feature, messages) {
  const p = feature.properties;
  const box = el('div', 'alert-popup');
  box.append(el('strong', 'category-icon--' + p.category, p.category_label));
  const status = el('p', 'badge badge--' + p.status, p.status_label + (p.outcome_label ? ': ' + p.outcome_label : ''));
  box.append(status);
  if (p.hidden) box.append(el('p', 'badge badge--hidden', messages.hidden));
  box.append(el('p', 'alert-popup__text', p.text.length > 200 ? p.text.slice(0, 200) + '…' : p.text));
  const meta = [when(p.observed_at), p.author, p.registration].filter(Boolean).join(' · ');
  box.append(el('p', 'hint', meta));
  const link = el('a', null, messages.open);
  link.href = p.url;
  box.append(link);
  return box;
}

// A marker shows the category (its icon) and the status (colour and a sign, never colour alone).
function markerIcon(L, p, icons, signs) {
  const box = el('span', 'alert-marker alert-marker--' + p.status);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'cat-icon');
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', icons + '#cat-' + p.category);
  svg.append(use);
  box.append(svg, el('span', 'alert-marker__sign', (signs && signs[p.status]) || ''));
  return L.divIcon({ html: box, className: 'alert-marker-wrap', iconSize: [40, 40], iconAnchor: [20, 20], popupAnchor: [0, -18] });
}

// Clusters take the colour of the most urgent alert inside (unacknowledged first).
function clusterIcon(L, cluster) {
  const statuses = cluster.getAllChildMarkers().map((m) => m.options.status);
  const worst = ['open', 'acknowledged', 'closed'].find((s) => statuses.includes(s)) || 'closed';
  const box = el('span', 'alert-cluster alert-cluster--' + worst, String(cluster.getChildCount()));
  return L.divIcon({ html: box, className: 'alert-marker-wrap', iconSize: [44, 44] });
}

export function addAlertLayer(map, { api, limit, messages, list, count, filters, icons, signs }) {
  const L = window.L;
  const cluster = L.markerClusterGroup ? L.markerClusterGroup({ iconCreateFunction: (c) => clusterIcon(L, c) }) : L.layerGroup();
  map.addLayer(cluster);
  let controller = null;
  let timer = null;

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const b = map.getBounds();
    const params = new URLSearchParams({
      bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => Math.max(-180, Math.min(180, v)).toFixed(6)).join(','),
      limit: String(limit),
    });
    for (const [k, v] of Object.entries(filters ? filters() : {})) if (v) params.set(k, v);
    try {
      const res = await fetch(api + '?' + params, { credentials: 'same-origin', signal: controller.signal, headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(String(res.status));
      const data = await res.json();
      cluster.clearLayers();
      if (list) list.replaceChildren();
      for (const f of data.features) {
        const [lon, lat] = f.geometry.coordinates;
        const label = f.properties.category_label + ', ' + f.properties.status_label;
        const options = { title: label, alt: label, status: f.properties.status };
        if (icons) options.icon = markerIcon(L, f.properties, icons, signs);
        const marker = L.marker([lat, lon], options);
        marker.bindPopup(() => alertSummary(f, messages));
        cluster.addLayer(marker);
        if (list) {
          const li = el('li', 'list__item alert-item alert-item--' + f.properties.status);
          li.append(alertSummary(f, messages));
          list.append(li);
        }
      }
      if (count) {
        const n = data.features.length;
        count.textContent = (data.next_cursor ? messages.capped : messages.count).replace('{n}', String(n));
      }
    } catch (err) {
      if (err.name !== 'AbortError' && count) count.textContent = messages.failed;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  }
  map.on('moveend', schedule);
  load();
  return { layer: cluster, reload: load };
}
