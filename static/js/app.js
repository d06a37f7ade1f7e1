// Shared behaviour for every page: move focus to the first error after a failed submit.
const firstError = document.querySelector('[aria-invalid="true"]');
if (firstError) {
  firstError.focus();
}
