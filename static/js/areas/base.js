// Shared by the area pages: read a page's JSON config, make a Leaflet map with the
// configured tiles, format messages. Leaflet is the classic script /vendor/leaflet/leaflet.js.

export const L = window.L;

export function readConfig(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

export function fmt(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ''));
}

export function baseMap(elementId, config, options = {}) {
  const map = L.map(elementId, { tap: true, ...options });
  // Open on the person's own areas when there are any (bounds [[south, west], [north, east]]).
  if (config.bounds) map.fitBounds(config.bounds, { padding: [16, 16], maxZoom: 16 });
  else map.setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  return map;
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function locate(map, status, messages, zoom = 15) {
  if (!('geolocation' in navigator)) {
    if (status) status.textContent = messages.locateFailed;
    return Promise.resolve(null);
  }
  if (status) status.textContent = messages.locating;
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const ll = [pos.coords.latitude, pos.coords.longitude];
        map.setView(ll, zoom);
        if (status) status.textContent = '';
        resolve(ll);
      },
      () => {
        if (status) status.textContent = messages.locateFailed;
        resolve(null);
      },
      { enableHighAccuracy: true, maximumAge: 60000, timeout: 10000 },
    );
  });
}

// GeoJSON [lon, lat] rings -> Leaflet [lat, lon] (first polygon's outer ring only).
export function outerRing(geometry) {
  const polygon = geometry.type === 'MultiPolygon' ? geometry.coordinates[0] : geometry.coordinates;
  return polygon[0].slice(0, -1).map(([lon, lat]) => [lat, lon]);
}
