// Observation form: the phone's position and the offline queue (the form works without this).
import { locateButton, submitThroughQueue } from '../pwa/offline-form.js';

locateButton({ button: 'walk-locate', status: 'walk-locate-status', lat: 'o-lat', lon: 'o-lon' });

const form = document.getElementById('walk-observation-form');
submitThroughQueue(form, {
  status: 'walk-observation-status',
  keyName: 'o-client_key',
  hasFiles: () => (document.getElementById('o-photo')?.files || []).length > 0,
  payload: (data, num) => ({
    walk_id: Number(form.dataset.walk), category: data.get('o-category'), lat: num('o-lat'), lon: num('o-lon'),
    note: data.get('o-note') || '', suggestion: data.get('o-suggestion') || '',
    observed_at: new Date().toISOString(), confirm_personal_data: data.get('o-confirm_personal_data') === 'y',
  }),
  // A new query string: the page reloads even when only the fragment would have changed.
  done: (body) => `${form.dataset.done}?saved=${Number(body.id) || Date.now()}#observations`,
});
