"""EST reports: submit (form, API, offline queue), review (accept, merge, reject), photos."""
