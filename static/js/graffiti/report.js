// Graffiti report form: fill latitude/longitude from the phone's position (the form works without this).
import { locateButton } from '../pwa/offline-form.js';

locateButton({ button: 'graffiti-locate', status: 'graffiti-locate-status', lat: 'lat', lon: 'lon' });
