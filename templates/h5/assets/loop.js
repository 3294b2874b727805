// Page behaviour for the application pages: multipart submission with errors next to fields,
// payment (local cashier or WeChat JSAPI through WeixinJSBridge; also the 一件事 page's one payment)
// and the rating forms.
// Plain ES5 so WeChat's in-app browser runs it; served by the app, no external script.
(function () {
  'use strict';

  function post(url, body) {
    var init = { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body instanceof FormData) init.body = body;
    else if (body) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
    return fetch(url, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var err = new Error(data.message || (res.status === 413 ? '上传内容过大' : '提交失败，请稍后再试'));
          err.details = data.details;
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  // For the other page scripts (matters.js), loaded after this one.
  window.onestop = { post: post };

  function showErrors(form, err) {
    var general = form.querySelector('#form-error') || form.querySelector('.error[role=alert]:not([data-error-for])');
    var placed = false;
    if (Array.isArray(err.details)) {
      err.details.forEach(function (d) {
        var slot = form.querySelector('[data-error-for="' + d.field + '"]');
        if (slot) { slot.textContent = d.message; placed = true; }
      });
    }
    if (err.status === 401) { location.href = '/me/applications'; return; }
    if (general) general.textContent = placed ? '请按提示修改后再提交' : err.message;
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll('.error[role=alert]'), function (e) { e.textContent = ''; });
  }

  // 在线申请 / 补正材料
  var apply = document.getElementById('apply-form');
  if (apply) {
    apply.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(apply);
      // Size check before uploading, so nobody waits for a file the server will refuse.
      var tooBig = Array.prototype.filter.call(apply.querySelectorAll('input[type=file]'), function (input) {
        var file = input.files && input.files[0];
        return file && file.size > Number(input.getAttribute('data-max-kb')) * 1024;
      });
      if (tooBig.length) {
        tooBig.forEach(function (input) {
          apply.querySelector('[data-error-for="' + input.name + '"]').textContent = '附件“' + input.getAttribute('data-label') + '”超过大小限制';
        });
        return;
      }
      var data = new FormData();
      Array.prototype.forEach.call(apply.elements, function (el) {
        if (!el.name) return;
        if (el.type === 'file') { if (el.files && el.files[0]) data.append(el.name, el.files[0], el.files[0].name); }
        else if (el.value !== '') data.append(el.name, el.value);
      });
      var button = document.getElementById('submit');
      button.disabled = true;
      button.textContent = '正在提交…';
      post(apply.getAttribute('data-action'), data).then(function (app) {
        // The application page shows a "submitted" notice with the next step.
        var resubmitted = /\/resubmit$/.test(apply.getAttribute('data-action'));
        location.href = '/me/applications/' + encodeURIComponent(app.no) + '?submitted=' + (resubmitted ? 'resubmit' : '1');
      }, function (err) {
        showErrors(apply, err);
        button.disabled = false;
        button.textContent = '重新提交';
      });
    });
  }

  // 缴费: an application's button, or a matter's one payment; each names the API that places its order.
  Array.prototype.forEach.call(document.querySelectorAll('button[data-pay-url]'), function (pay) {
    pay.addEventListener('click', function () {
      var error = document.getElementById('pay-error');
      pay.disabled = true;
      post(pay.getAttribute('data-pay-url')).then(function (started) {
        var p = started.payment;
        if (p.kind === 'local') { location.href = p.cashierUrl; return; }
        var invoke = function () {
          window.WeixinJSBridge.invoke('getBrandWCPayRequest', p.params, function (r) {
            if (r.err_msg === 'get_brand_wcpay_request:ok') location.reload();
            else { pay.disabled = false; error.textContent = r.err_msg === 'get_brand_wcpay_request:cancel' ? '您已取消支付' : '支付未完成，请重试'; }
          });
        };
        if (window.WeixinJSBridge) invoke();
        else if (document.addEventListener) document.addEventListener('WeixinJSBridgeReady', invoke, false);
        else { pay.disabled = false; error.textContent = '请在微信中打开本页面完成支付'; }
      }, function (err) {
        pay.disabled = false;
        error.textContent = err.message;
      });
    });
  });

  // 好差评 and the rating of a rectification
  Array.prototype.forEach.call(document.querySelectorAll('form.rating-form'), function (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(form);
      var level = form.querySelector('input[name=level]:checked');
      var comment = form.querySelector('textarea[name=comment]');
      var slot = form.querySelector('.error[role=alert]');
      if (!level) { slot.textContent = '请选择评价等级'; return; }
      post(form.getAttribute('data-url'), { level: level.value, comment: comment ? comment.value : undefined }).then(function () {
        location.reload();
      }, function (err) { slot.textContent = err.message; });
    });
  });
})();
