// Draw an area: tap the map to add a corner, drag a corner to move it, undo, start over.
// The outline goes into the hidden #geometry field as a GeoJSON Polygon ([lon, lat]).
// "Add corner" adds one at the map's centre, for keyboard and screen-reader users.
import { L, baseMap, fmt, locate, outerRing, readConfig } from './base.js';

const config = readConfig('area-draw-config');
const msg = config.messages;
const field = document.getElementById(config.fieldId || 'geometry');
const status = document.getElementById('area-draw-status');
const map = baseMap('area-draw-map', config, { doubleClickZoom: false });

const corners = []; // L.Marker, in drawing order
const outline = L.polygon([], { className: 'area-shape area-shape--draft', weight: 3 }).addTo(map);
let changed = false;

function icon() {
  return L.divIcon({ className: 'draw-corner', iconSize: [28, 28], iconAnchor: [14, 14] });
}

function round(v) {
  return Math.round(v * 1e7) / 1e7;
}

function sync(announce) {
  const latlngs = corners.map((m) => m.getLatLng());
  outline.setLatLngs(latlngs);
  corners.forEach((m, i) => {
    const label = fmt(msg.corner, { n: i + 1 });
    const node = m.getElement();
    if (node) {
      node.setAttribute('aria-label', label);
      node.title = label;
    }
  });
  if (changed || !field.value) {
    if (latlngs.length >= 3) {
      const ring = latlngs.map((p) => [round(p.lng), round(p.lat)]);
      ring.push(ring[0]);
      field.value = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
    } else {
      field.value = '';
    }
  }
  let text = fmt(msg.corners, { n: latlngs.length });
  text += ' ' + (latlngs.length >= 3 ? msg.ready : fmt(msg.needMore, { n: 3 - latlngs.length }));
  status.textContent = announce ? announce + ' ' + text : text;
}

function addCorner(latlng, announce = true) {
  const marker = L.marker(latlng, { draggable: true, icon: icon(), keyboard: true, autoPan: true });
  marker.on('drag', () => { changed = true; sync(); });
  marker.on('dragend', () => { changed = true; sync(); });
  marker.addTo(map);
  corners.push(marker);
  if (announce) {
    changed = true;
    sync(fmt(msg.added, { n: corners.length }));
  }
}

function undo() {
  const marker = corners.pop();
  if (!marker) return;
  map.removeLayer(marker);
  changed = true;
  sync(msg.removed);
}

function clear() {
  while (corners.length) map.removeLayer(corners.pop());
  changed = true;
  sync(msg.cleared);
}

map.on('click', (e) => addCorner(e.latlng));
document.getElementById('area-draw-add').addEventListener('click', () => {
  addCorner(map.getCenter(), false);
  changed = true;
  sync(msg.addHint);
});
document.getElementById('area-draw-undo').addEventListener('click', undo);
document.getElementById('area-draw-clear').addEventListener('click', clear);
document.getElementById('area-draw-locate').addEventListener('click', () => locate(map, status, msg, 17));

// Restore what was drawn before a failed submit, or the outline being edited.
function restore() {
  let geometry = null;
  try {
    geometry = field.value ? JSON.parse(field.value) : (config.existing ? JSON.parse(config.existing) : null);
  } catch (error) {
    geometry = null;
  }
  if (!geometry || !['Polygon', 'MultiPolygon'].includes(geometry.type)) {
    sync();
    return;
  }
  const simple = geometry.type === 'Polygon' && geometry.coordinates.length === 1;
  if (simple) {
    outerRing(geometry).forEach((ll) => addCorner(ll, false));
    sync(); // the outline first: fitting an empty outline's bounds throws and left the corners unnamed
    map.fitBounds(outline.getBounds(), { padding: [24, 24] });
  } else {
    // Holes or several parts cannot be edited corner by corner: show them; a new drawing replaces them.
    const shape = L.geoJSON(geometry, { style: { className: 'area-shape area-shape--pending', weight: 2 } }).addTo(map);
    map.fitBounds(shape.getBounds(), { padding: [24, 24] });
  }
  sync();
}

restore();
