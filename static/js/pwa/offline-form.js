// Shared by the report forms that work without JavaScript (EST reports, walk observations, graffiti):
// a "use my position" button, and a submit that goes to the JSON API through the offline queue.

// Show the button (it sits in a .js-only block) and fill the latitude/longitude fields from the
// phone's position on a tap; the status element shows …, ✓ or ✗.
export function locateButton({ button, status, lat, lon }) {
  const btn = document.getElementById(button);
  if (!btn || !('geolocation' in navigator)) return;
  btn.closest('.js-only').hidden = false;
  const out = document.getElementById(status);
  btn.addEventListener('click', () => {
    out.textContent = '…';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        document.getElementById(lat).value = pos.coords.latitude.toFixed(6);
        document.getElementById(lon).value = pos.coords.longitude.toFixed(6);
        out.textContent = '✓';
      },
      () => { out.textContent = '✗'; },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}

// With JavaScript, a form without files goes to its JSON API (form.dataset.api) with its client key
// as the Idempotency-Key, so the service worker's offline queue keeps it when there is no network and
// sends it exactly once later. 201: go to done(body); 202 queued: say form.dataset.queued, clear the
// form and give it a new client key. Any refusal falls back to the plain form post, which shows the
// server's message next to its field.
//   payload(data, num): the JSON body from the FormData; num(name) reads a number or null.
//   hasFiles(): files go with the plain form post.
export function submitThroughQueue(form, { status, keyName, hasFiles, payload, done }) {
  if (!form || !window.fetch) return;
  const out = document.getElementById(status);
  let fallback = false;
  form.addEventListener('submit', async (event) => {
    if (fallback) return;
    const data = new FormData(form);
    if (hasFiles()) return;
    event.preventDefault();
    const num = (name) => (data.get(name) ? Number(data.get(name)) : null);
    const body = JSON.stringify(payload(data, num));
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    let res;
    try {
      res = await fetch(form.dataset.api, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf,
                   'Idempotency-Key': data.get(keyName) },
        body,
      });
    } catch (e) {
      res = null;
    }
    if (res && res.status === 201) {
      window.location.assign(done(await res.json().catch(() => ({}))));
      return;
    }
    if (res && res.status === 202) {
      const answer = await res.json().catch(() => ({}));
      if (answer.queued) {
        out.textContent = form.dataset.queued;
        form.reset();
        form.querySelector(`[name="${keyName}"]`).value = crypto.randomUUID().replace(/-/g, '');
        return;
      }
    }
    fallback = true; // refused, or no service worker: let the server render the answer
    form.requestSubmit();
  });
}
