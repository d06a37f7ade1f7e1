// Graffiti report form: fill latitude/longitude from the phone's position (the form works without this).
const button = document.getElementById('graffiti-locate');
if (button && 'geolocation' in navigator) {
  button.closest('.js-only').hidden = false;
  const status = document.getElementById('graffiti-locate-status');
  button.addEventListener('click', () => {
    status.textContent = '…';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        document.getElementById('lat').value = pos.coords.latitude.toFixed(6);
        document.getElementById('lon').value = pos.coords.longitude.toFixed(6);
        status.textContent = '✓';
      },
      () => { status.textContent = '✗'; },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}
