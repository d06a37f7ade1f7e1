// The small outline map on an area's page.
import { L, baseMap, readConfig } from './base.js';

const config = readConfig('area-detail-config');
if (config) {
  const map = baseMap('area-detail-map', config, { scrollWheelZoom: false });
  const shape = L.geoJSON(JSON.parse(config.geometry), { style: { className: 'area-shape area-shape--mine', weight: 3 } }).addTo(map);
  map.fitBounds(shape.getBounds(), { padding: [16, 16] });
}
