// Place a trygghetspunkt: tap the map to fill latitude and longitude. The fields work without this script.
import { L, readConfig } from '../areas/base.js';

const config = readConfig('crisis-pick-config');
const lat = document.getElementById('lat');
const lon = document.getElementById('lon');
const node = document.getElementById('crisis-pick-map');
if (config && lat && lon && node && L) {
  node.hidden = false;
  const map = L.map(node).setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  const read = (field) => Number(String(field.value).replace(',', '.'));
  // As the server writes it back: the page language's decimal sign (a comma in Swedish), six decimals.
  const sign = new Intl.NumberFormat(document.documentElement.lang || 'sv').format(1.5).charAt(1);
  const show = (v) => v.toFixed(6).replace('.', sign);
  let marker = null;
  const place = (ll) => {
    if (marker) marker.setLatLng(ll);
    else marker = L.marker(ll).addTo(map);
  };
  if (lat.value && lon.value && Number.isFinite(read(lat)) && Number.isFinite(read(lon))) place([read(lat), read(lon)]);
  map.on('click', (e) => {
    place(e.latlng);
    lat.value = show(e.latlng.lat);
    lon.value = show(e.latlng.lng);
  });
}
