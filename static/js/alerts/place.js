// The alert's page: a small, still map of its place instead of raw coordinates.
const box = document.getElementById('alert-place-map');
const L = window.L;
if (box && L) {
  const at = [Number(box.dataset.lat), Number(box.dataset.lon)];
  const map = L.map(box, { zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false, touchZoom: false, keyboard: false, tap: false })
    .setView(at, 16);
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
  L.circleMarker(at, { radius: 10, weight: 3, className: 'place-marker' }).addTo(map);
}
