// Page behaviour for the 一件事 pages: the one form (sections shown by the matter's questions,
// multipart submission with errors next to fields). Plain ES5 for WeChat's in-app browser; served
// by the app, no external script. Loaded after loop.js, whose request helper it uses; the one payment
// and the rating are loop.js's payment button and rating forms.
(function () {
  'use strict';

  var post = window.onestop.post;

  var form = document.getElementById('matter-form');
  if (form) {
    var sections = form.querySelectorAll('.matter-section');
    var toggle = function () {
      Array.prototype.forEach.call(sections, function (section) {
        var when = JSON.parse(section.getAttribute('data-when') || 'null');
        if (!when) return;
        var answer = form.querySelector('[name="' + when.question + '"]');
        var shown = answer && when.equals.indexOf(answer.value) >= 0;
        section.hidden = !shown;
        section.disabled = !shown;
      });
    };
    Array.prototype.forEach.call(form.querySelectorAll('[data-question]'), function (q) { q.addEventListener('change', toggle); });
    toggle();
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      Array.prototype.forEach.call(form.querySelectorAll('.error[role=alert]'), function (e) { e.textContent = ''; });
      var data = new FormData();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || (el.matches && el.matches(':disabled'))) return;
        if (el.type === 'file') { if (el.files && el.files[0]) data.append(el.name, el.files[0], el.files[0].name); }
        else if (el.value !== '') data.append(el.name, el.value);
      });
      var button = document.getElementById('submit');
      button.disabled = true;
      button.textContent = '正在提交…';
      post(form.getAttribute('data-action'), data).then(function (view) {
        location.href = '/me/matters/' + encodeURIComponent(view.no) + '?submitted=1';
      }, function (err) {
        var placed = false;
        (err.details || []).forEach(function (d) {
          var slot = form.querySelector('[data-error-for="' + d.field + '"]');
          if (slot) { slot.textContent = d.message; placed = true; }
        });
        document.getElementById('form-error').textContent = placed ? '请按提示修改后再提交' : err.message;
        button.disabled = false;
        button.textContent = '重新提交';
      });
    });
  }
})();
