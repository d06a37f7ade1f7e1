// EST report form: fill latitude/longitude from the phone's position (the form works without this).
const button = document.getElementById("est-locate");
if (button && "geolocation" in navigator) {
  button.closest(".js-only").hidden = false;
  const status = document.getElementById("est-locate-status");
  button.addEventListener("click", () => {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("lon").value = pos.coords.longitude.toFixed(6);
        status.textContent = "✓";
      },
      () => { status.textContent = "✗"; },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}

// With JavaScript, a report without photos goes to the JSON API with its client key as the
// Idempotency-Key, so the service worker's offline queue keeps it when there is no network and
// sends it exactly once later. Any refusal falls back to the plain form post, which shows the
// server's message next to its field.
const form = document.getElementById("est-report-form");
if (form && window.fetch) {
  const status = document.getElementById("est-report-status");
  let fallback = false;
  form.addEventListener("submit", async (event) => {
    if (fallback) return;
    const data = new FormData(form);
    const photos = Array.from(document.getElementById("photos")?.files || []);
    if (photos.length) return; // photos go with the plain form post
    event.preventDefault();
    const [category, sub] = String(data.get("what") || "").split(":");
    const num = (name) => (data.get(name) ? Number(data.get(name)) : null);
    const local = data.get("occurred_at");
    const payload = {
      municipality: form.dataset.municipality,
      organisation_id: num("organisation_id"),
      occurred_at: local ? new Date(local).toISOString() : null,
      category, subcategory: sub || null,
      place_id: num("place_id") || null, lat: num("lat"), lon: num("lon"),
      setting: data.get("setting"), people_band: data.get("people_band") || null,
      description: data.get("description") || "", police_reported: data.get("police_reported") === "y",
      police_ref: data.get("police_ref") || null, source: data.get("source"),
      confirm_personal_data: data.get("confirm_personal_data") === "y",
    };
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    let res;
    try {
      res = await fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf,
                   "Idempotency-Key": data.get("client_key") },
        body: JSON.stringify(payload),
      });
    } catch (e) {
      res = null;
    }
    if (res && res.status === 201) {
      const body = await res.json().catch(() => ({}));
      const week = String(body.iso_week || "").split("-W")[1] || "";
      window.location.assign(form.dataset.done + (week ? "?saved=" + Number(week) : ""));
      return;
    }
    if (res && res.status === 202) {
      const body = await res.json().catch(() => ({}));
      if (body.queued) {
        status.textContent = form.dataset.queued;
        form.reset();
        form.querySelector('[name="client_key"]').value = crypto.randomUUID().replace(/-/g, "");
        return;
      }
    }
    fallback = true; // refused, or no service worker: let the server render the answer
    form.requestSubmit();
  });
}
