// The small outline map on an area's page; a proposed new outline (waiting for the police) is dashed.
import { L, baseMap, readConfig } from './base.js';

const config = readConfig('area-detail-config');
if (config) {
  const map = baseMap('area-detail-map', config, { scrollWheelZoom: false });
  const shape = L.geoJSON(JSON.parse(config.geometry), { style: { className: 'area-shape area-shape--mine', weight: 3 } }).addTo(map);
  const bounds = shape.getBounds();
  if (config.proposed) {
    const proposed = L.geoJSON(JSON.parse(config.proposed), {
      style: { className: 'area-shape area-shape--proposed', weight: 3, dashArray: '6 4' },
    }).addTo(map);
    bounds.extend(proposed.getBounds());
  }
  map.fitBounds(bounds, { padding: [16, 16] });
}
