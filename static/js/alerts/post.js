// Posting page: position from the phone or a tap on the map, then a JSON POST to
// /api/v1/alerts with an Idempotency-Key, so a retry (or the offline queue) never
// posts twice. Without this script the form still posts as plain HTML.

export async function sendAlert(api, payload, { key, csrf }) {
  const res = await fetch(api, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key, 'X-CSRFToken': csrf },
    body: JSON.stringify(payload),
  });
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

export async function sendPhoto(alertUrl, file, csrf) {
  const data = new FormData();
  data.append('photo', file);
  const res = await fetch(alertUrl + '/photos', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRFToken': csrf, Accept: 'application/json' }, body: data });
  return { status: res.status, body: await res.json().catch(() => null) };
}

function init() {
  const form = document.getElementById('alert-form');
  if (!form) return;
  const config = JSON.parse(document.getElementById('alert-post-config').textContent);
  const msg = config.messages;
  const lat = document.getElementById('alert-lat');
  const lon = document.getElementById('alert-lon');
  const status = document.getElementById('position-status');
  const errorBox = document.getElementById('alert-form-error');
  const submit = document.getElementById('alert-submit');
  const csrf = form.querySelector('input[name="csrf_token"]')?.value || '';
  let key = crypto.randomUUID();

  for (const node of form.querySelectorAll('.js-only')) node.hidden = false;
  // With the phone's position the area is found by itself: its picker folds away (open without JS, or after an error).
  const areaChoice = document.getElementById('alert-area-choice');
  if (areaChoice && !('keepOpen' in areaChoice.dataset)) areaChoice.open = false;
  const L = window.L;
  let map = null;
  let marker = null;

  function place(latitude, longitude) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (map) {
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.marker([latitude, longitude]).addTo(map);
    }
  }

  if (L) {
    map = L.map('post-map');
    if (config.bounds) map.fitBounds(config.bounds, { padding: [8, 8], maxZoom: 16 });
    else map.setView(config.center, config.zoom);
    L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    map.on('click', (event) => {
      document.getElementById('position-mode-map').checked = true;
      place(event.latlng.lat, event.latlng.lng);
      status.textContent = msg.tapped;
    });
  }

  function locate() {
    if (!('geolocation' in navigator)) {
      status.textContent = msg.denied;
      return;
    }
    status.textContent = msg.locating;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        if (!document.getElementById('position-mode-gps').checked) return;
        place(pos.coords.latitude, pos.coords.longitude);
        if (map) map.setView([pos.coords.latitude, pos.coords.longitude], 16);
        status.textContent = msg.located.replace('{m}', String(Math.round(pos.coords.accuracy)));
      },
      () => { status.textContent = msg.denied; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 },
    );
  }
  document.getElementById('position-mode-gps').addEventListener('change', locate);
  locate();

  // A suspicious person: the person questions show only for that category; appearance
  // opens once two other details are given (the service enforces the same rule).
  const person = document.getElementById('alert-person');
  const appearance = document.getElementById('person_appearance');
  const details = ['person_clothing', 'person_direction', 'person_vehicle'].map((id) => document.getElementById(id));
  function personRules() {
    const chosen = form.querySelector('input[name="category"]:checked');
    const isPerson = Boolean(person && chosen && chosen.value === person.dataset.category);
    if (person) person.hidden = !isPerson;
    form.classList.toggle('is-person', isPerson);
    if (appearance) {
      const filled = details.filter((d) => d && d.value.trim()).length;
      appearance.disabled = filled < (config.minDetails || 2) && !appearance.value;
    }
  }
  // One thumb: once a category is chosen the grid folds to that one card and a "change" button.
  const change = document.getElementById('category-change');
  function foldCategories(fold) {
    form.classList.toggle('has-category', fold);
    if (change) change.hidden = !fold;
  }
  form.addEventListener('change', (event) => { if (event.target.name === 'category') foldCategories(true); });
  change?.addEventListener('click', () => {
    foldCategories(false);
    form.querySelector('input[name="category"]:checked')?.focus();
  });
  foldCategories(Boolean(form.querySelector('input[name="category"]:checked')));
  form.addEventListener('change', personRules);
  form.addEventListener('input', personRules);
  personRules();

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    errorBox.focus?.();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const local = data.get('observed_at');
    const payload = {
      category: data.get('category') || '',
      text: data.get('text') || '',
      lat: lat.value ? Number(lat.value) : null,
      lon: lon.value ? Number(lon.value) : null,
      area_id: data.get('area_id') ? Number(data.get('area_id')) : null,
      registration: data.get('registration') || null,
      boat_id: data.get('boat_id') ? Number(data.get('boat_id')) : null,
      engine_id: data.get('engine_id') ? Number(data.get('engine_id')) : null,
      observed_at: local ? new Date(local).toISOString() : null,
    };
    if (person && !person.hidden) {
      payload.person = {};
      for (const name of ['did', 'clothing', 'direction', 'vehicle', 'appearance']) payload.person[name] = data.get('person_' + name) || null;
    }
    const files = Array.from(document.getElementById('photos').files || []);
    submit.disabled = true;
    errorBox.hidden = true;
    status.textContent = msg.sending;
    try {
      const res = await sendAlert(form.dataset.api, payload, { key, csrf });
      if (res.status === 201) {
        const id = res.body.id;
        const apiUrl = form.dataset.api + '/' + id;
        for (const file of files) {
          const up = await sendPhoto(apiUrl, file, csrf);
          if (up.status !== 201) showError(up.body?.error?.message || msg.failed);
        }
        key = crypto.randomUUID();
        window.location.assign(form.dataset.detail.replace(/0$/, String(id)));
        return;
      }
      if (res.status === 202 && res.body?.queued) {
        // Offline: the service worker keeps it with this Idempotency-Key and sends it
        // exactly once when the network is back. Start afresh for the next alert.
        form.reset();
        key = crypto.randomUUID();
        status.textContent = files.length ? msg.queued + ' ' + msg.queuedPhotos : msg.queued;
        return;
      }
      const err = res.body?.error;
      showError(err ? err.message + (Array.isArray(err.details) ? ' ' + err.details.map((d) => d.msg).join(' ') : '') : msg.failed);
    } catch (e) {
      showError(msg.offline);
    } finally {
      submit.disabled = false;
    }
  });
}

init();
