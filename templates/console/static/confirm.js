// Asks before city-wide and final actions: a form (or the button that submits it) with
// data-confirm submits only after the person agrees.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const button = event.submitter;
  const question = (button instanceof HTMLElement && button.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
