// 我的预约: cancelling an appointment from the list. Plain ES5 for WeChat's in-app browser;
// served by the app, no inline script (CSP).
(function () {
  document.querySelectorAll('button.cancel').forEach(function (b) {
    b.addEventListener('click', function () {
      if (!window.confirm('确定取消这个预约吗？')) return;
      var id = b.dataset.id;
      b.disabled = true;
      fetch('/api/appointments/' + encodeURIComponent(id), { method: 'DELETE', credentials: 'same-origin' })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (res.ok) { location.reload(); return; }
          b.disabled = false;
          document.querySelector('[data-error-for="' + id + '"]').textContent = res.body.message || '取消失败，请稍后再试';
        })
        .catch(function () { b.disabled = false; });
    });
  });
})();
