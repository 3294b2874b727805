// The H5 query form: sends the inputs to the query API and shows the answer on the page.
(function () {
  var form = document.getElementById('query-form');
  if (!form) return;
  var answer = document.getElementById('query-answer');
  var text = document.getElementById('answer-text');
  var pageLink = document.getElementById('answer-page');
  var formError = document.getElementById('form-error');
  function clearErrors() {
    formError.textContent = '';
    form.querySelectorAll('[data-error-for]').forEach(function (el) { el.textContent = ''; });
  }
  // The chat reply marks links as <a href="…">…</a>; on the page the link is its own button.
  function plain(s) { return String(s || '').replace(/<a [^>]*>([^<]*)<\/a>/g, '$1'); }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    var inputs = {};
    form.querySelectorAll('input, select').forEach(function (el) { if (el.name && el.value.trim() !== '') inputs[el.name] = el.value.trim(); });
    var button = document.getElementById('submit');
    button.disabled = true;
    fetch(form.dataset.action, { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(inputs) })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) {
          (r.body.details || []).forEach(function (d) {
            var el = form.querySelector('[data-error-for="' + d.field + '"]');
            if (el) el.textContent = d.message;
          });
          formError.textContent = r.body.message || '查询失败，请稍后再试';
          return;
        }
        answer.hidden = false;
        text.textContent = plain(r.body.reply);
        if (r.body.pageUrl) { pageLink.hidden = false; pageLink.href = r.body.pageUrl; } else pageLink.hidden = true;
        answer.scrollIntoView();
      })
      .catch(function () { formError.textContent = '网络错误，请稍后再试'; })
      .then(function () { button.disabled = false; });
  });
})();
