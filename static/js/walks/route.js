// Draw the walk's route: tap the map to add the next point; the line goes into the
// route field as a GeoJSON LineString ([lon, lat]). The field works without this script.
import { L, readConfig } from '../areas/base.js';

const config = readConfig('walk-map-config');
const field = document.getElementById('route');
const node = document.getElementById('walk-route-map');
if (config && field && node && L) {
  document.querySelectorAll('.js-only').forEach((el) => { el.hidden = false; });
  const map = L.map(node, { doubleClickZoom: false }).setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  const points = [];
  try {
    const old = JSON.parse(field.value || 'null');
    if (old && old.type === 'LineString') old.coordinates.forEach(([lon, lat]) => points.push([lat, lon]));
  } catch (e) { /* a hand-written value stays as it is */ }
  const line = L.polyline(points, { weight: 4 }).addTo(map);
  if (points.length > 1) map.fitBounds(line.getBounds(), { padding: [16, 16] });
  const status = document.getElementById('walk-route-status');
  const round = (v) => Math.round(v * 1e6) / 1e6;
  const sync = () => {
    line.setLatLngs(points);
    field.value = points.length ? JSON.stringify({ type: 'LineString', coordinates: points.map(([lat, lon]) => [round(lon), round(lat)]) }) : '';
    status.textContent = String(points.length);
  };
  map.on('click', (e) => { points.push([e.latlng.lat, e.latlng.lng]); sync(); });
  document.getElementById('walk-route-undo').addEventListener('click', () => { points.pop(); sync(); });
}
