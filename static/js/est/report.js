// EST report form: the phone's position and the offline queue (the form works without this).
import { locateButton, submitThroughQueue } from '../pwa/offline-form.js';

locateButton({ button: 'est-locate', status: 'est-locate-status', lat: 'lat', lon: 'lon' });

const form = document.getElementById('est-report-form');
submitThroughQueue(form, {
  status: 'est-report-status',
  keyName: 'client_key',
  hasFiles: () => (document.getElementById('photos')?.files || []).length > 0,
  payload: (data, num) => {
    const [category, sub] = String(data.get('what') || '').split(':');
    const local = data.get('occurred_at');
    return {
      municipality: form.dataset.municipality,
      organisation_id: num('organisation_id'),
      occurred_at: local ? new Date(local).toISOString() : null,
      category, subcategory: sub || null,
      place_id: num('place_id') || null, lat: num('lat'), lon: num('lon'),
      setting: data.get('setting'), people_band: data.get('people_band') || null,
      description: data.get('description') || '', police_reported: data.get('police_reported') === 'y',
      police_ref: data.get('police_ref') || null, source: data.get('source'),
      confirm_personal_data: data.get('confirm_personal_data') === 'y',
    };
  },
  done: (body) => {
    const week = String(body.iso_week || '').split('-W')[1] || '';
    return form.dataset.done + (week ? '?saved=' + Number(week) : '');
  },
});
