// The alert map page: Leaflet, the clustered alert layer, filters without reload.
import { addAlertLayer } from './layer.js';

const config = JSON.parse(document.getElementById('alert-map-config').textContent);
const L = window.L;
const map = L.map('alert-map');
if (config.bounds) map.fitBounds(config.bounds, { padding: [16, 16], maxZoom: 16 });
else map.setView(config.center, config.zoom);
L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

const form = document.getElementById('alert-filters');
const category = document.getElementById('filter-category');
const status = document.getElementById('filter-status');
const span = document.getElementById('filter-span');

const { reload } = addAlertLayer(map, {
  api: config.api,
  limit: config.limit,
  messages: config.messages,
  list: document.getElementById('map-alert-list'),
  count: document.getElementById('map-alert-count'),
  icons: config.icons,
  signs: config.signs,
  filters: () => ({ category: category.value, status: status.value === 'all' ? '' : status.value, span: span.value === 'all' ? '' : span.value }),
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  reload();
});
category.addEventListener('change', reload);
status.addEventListener('change', reload);
span.addEventListener('change', reload);

if (!config.bounds && 'geolocation' in navigator) {
  navigator.geolocation.getCurrentPosition((pos) => map.setView([pos.coords.latitude, pos.coords.longitude], 15), () => {}, { maximumAge: 60000, timeout: 8000 });
}
