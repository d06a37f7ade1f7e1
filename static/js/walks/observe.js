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
