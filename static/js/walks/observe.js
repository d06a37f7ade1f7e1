// Observation form: fill latitude/longitude from the phone's position (the form works without this).
const button = document.getElementById('walk-locate');
if (button && 'geolocation' in navigator) {
  button.closest('.js-only').hidden = false;
  const status = document.getElementById('walk-locate-status');
  button.addEventListener('click', () => {
    status.textContent = '…';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        document.getElementById('o-lat').value = pos.coords.latitude.toFixed(6);
        document.getElementById('o-lon').value = pos.coords.longitude.toFixed(6);
        status.textContent = '✓';
      },
      () => { status.textContent = '✗'; },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}

// With JavaScript, an observation without a photo goes to the JSON API with its client key as the
// Idempotency-Key, so the service worker's offline queue keeps it when the walk has no network and
// sends it exactly once later. Any refusal falls back to the plain form post, which shows the
// server's message next to its field.
const form = document.getElementById('walk-observation-form');
if (form && window.fetch) {
  const status = document.getElementById('walk-observation-status');
  let fallback = false;
  form.addEventListener('submit', async (event) => {
    if (fallback) return;
    const data = new FormData(form);
    if ((document.getElementById('o-photo')?.files || []).length) return; // photos go with the plain form post
    event.preventDefault();
    const num = (name) => (data.get(name) ? Number(data.get(name)) : null);
    const payload = {
      walk_id: Number(form.dataset.walk), category: data.get('o-category'), lat: num('o-lat'), lon: num('o-lon'),
      note: data.get('o-note') || '', suggestion: data.get('o-suggestion') || '',
      observed_at: new Date().toISOString(), confirm_personal_data: data.get('o-confirm_personal_data') === 'y',
    };
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    let res;
    try {
      res = await fetch(form.dataset.api, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf,
                   'Idempotency-Key': data.get('o-client_key') },
        body: JSON.stringify(payload),
      });
    } catch (e) {
      res = null;
    }
    if (res && res.status === 201) {
      // A new query string: the page reloads even when only the fragment would have changed.
      const body = await res.json().catch(() => ({}));
      window.location.assign(`${form.dataset.done}?saved=${Number(body.id) || Date.now()}#observations`);
      return;
    }
    if (res && res.status === 202) {
      const body = await res.json().catch(() => ({}));
      if (body.queued) {
        status.textContent = form.dataset.queued;
        form.reset();
        form.querySelector('[name="o-client_key"]').value = crypto.randomUUID().replace(/-/g, '');
        return;
      }
    }
    fallback = true; // refused, or no service worker: let the server render the answer
    form.requestSubmit();
  });
}
