// The public page: the promise's scope on a real map (the SVG outline stays for print and without JavaScript).
const L = window.L;
const node = document.getElementById('promise-scope-config');
const box = document.getElementById('promise-scope-map');
if (L && node && box) {
  const config = JSON.parse(node.textContent);
  box.hidden = false;
  document.getElementById('promise-scope').classList.add('promise-scope--live');
  const map = L.map(box, { scrollWheelZoom: false, tap: true });
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  const shape = L.geoJSON(JSON.parse(config.scope), { style: { className: 'promise-scope__area', weight: 3 } }).addTo(map);
  map.fitBounds(shape.getBounds(), { padding: [16, 16] });
}
