// The alert map page: Leaflet, the clustered alert layer, filters without reload.
import { addAlertLayer } from './layer.js';

const config = JSON.parse(document.getElementById('alert-map-config').textContent);
const L = window.L;
const map = L.map('alert-map').setView(config.center, config.zoom);
L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

const form = document.getElementById('alert-filters');
const category = document.getElementById('filter-category');
const span = document.getElementById('filter-span');

const { reload } = addAlertLayer(map, {
  api: config.api,
  limit: config.limit,
  messages: config.messages,
  list: document.getElementById('map-alert-list'),
  count: document.getElementById('map-alert-count'),
  filters: () => ({ category: category.value, span: span.value === 'all' ? '' : span.value }),
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  reload();
});
category.addEventListener('change', reload);
span.addEventListener('change', reload);

if ('geolocation' in navigator) {
  navigator.geolocation.getCurrentPosition((pos) => map.setView([pos.coords.latitude, pos.coords.longitude], 15), () => {}, { maximumAge: 60000, timeout: 8000 });
}
