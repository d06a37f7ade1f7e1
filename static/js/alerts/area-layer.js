// Adds the clustered alert layer to the areas map once that map is ready.
import { addAlertLayer } from './layer.js';

const config = JSON.parse(document.getElementById('area-map-alert-config').textContent);
const container = document.getElementById('area-map');

container?.addEventListener('areas:map-ready', (event) => {
  addAlertLayer(event.detail.map, {
    api: config.api,
    limit: config.limit,
    icons: config.icons,
    signs: config.signs,
    messages: config.messages,
    count: document.getElementById('area-map-alert-count'),
  });
}, { once: true });
