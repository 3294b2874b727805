// The booking page: hall, date and slot pickers, pre-check uploads, booking and rescheduling.
// Page data comes from <script type="application/json" id="page-data">. Plain ES5 for WeChat's
// in-app browser; served by the app, no inline script (CSP).
(function () {
  var data = JSON.parse(document.getElementById('page-data').textContent);
  var form = document.getElementById('book');
  var hallSel = document.getElementById('hall');
  var dateSel = document.getElementById('date');
  var slotsBox = document.getElementById('slots');
  var chosen = null;
  if (data.rescheduleId) {
    document.getElementById('precheck').hidden = true;
    document.getElementById('submit').textContent = '确认改约';
  }
  function text(el, s) { el.textContent = s; return el; }
  function clearErrors() {
    document.querySelectorAll('[data-error-for]').forEach(function (p) { p.textContent = ''; });
    text(document.getElementById('form-error'), '');
  }
  function showError(field, message) {
    var p = document.querySelector('[data-error-for="' + field + '"]');
    if (p) p.textContent = message; else text(document.getElementById('form-error'), message);
  }
  data.halls.forEach(function (h, i) {
    var o = document.createElement('option');
    o.value = String(i);
    o.textContent = h.name;
    hallSel.appendChild(o);
  });
  // Rescheduling starts from the appointment's own hall and date, not the first of each list.
  var current = data.current || null;
  data.halls.forEach(function (h, i) { if (current && h.ref === current.hall) hallSel.value = String(i); });
  function hall() { return data.halls[Number(hallSel.value)]; }
  function fillDates() {
    var h = hall();
    text(document.getElementById('hall-info'), h.address + '（今日：' + h.hoursToday + '）');
    dateSel.innerHTML = '';
    // Open on the first day with a free seat (today is often past its last slot or fully booked).
    var first = null;
    var open = null;
    h.days.forEach(function (d) {
      var o = document.createElement('option');
      o.value = d.date;
      o.textContent = d.label + (d.closed ? ' · ' + d.closed : d.free > 0 ? '' : ' · 无空余时段');
      o.disabled = !!d.closed;
      if (!d.closed && open === null) open = d.date;
      if (!d.closed && d.free > 0 && first === null) first = d.date;
      dateSel.appendChild(o);
    });
    if (first === null) first = open;
    var keep = current && h.ref === current.hall && h.days.some(function (d) { return d.date === current.date && !d.closed; });
    if (keep) dateSel.value = current.date; else if (first) dateSel.value = first;
    loadSlots();
  }
  function loadSlots() {
    chosen = null;
    slotsBox.innerHTML = '';
    text(document.getElementById('date-reason'), '');
    if (!dateSel.value) { slotsBox.appendChild(text(document.createElement('p'), '近期没有可预约的日期')); return; }
    var url = '/api/services/' + data.service + '/slots?hall=' + encodeURIComponent(hall().ref) + '&date=' + dateSel.value;
    fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.reason || !body.slots) { text(document.getElementById('date-reason'), body.reason || body.message || '当天没有可预约的时段'); return; }
      body.slots.forEach(function (s) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'slot';
        b.dataset.start = s.start;
        b.disabled = s.available <= 0;
        var t = new Date(s.start), e = new Date(s.end);
        function hm(d) { return new Date(d.getTime() + 8 * 3600000).toISOString().slice(11, 16); }
        b.dataset.label = hm(t) + '-' + hm(e);
        b.appendChild(document.createTextNode(b.dataset.label));
        var isCurrent = current && current.start === s.start && current.hall === hall().ref;
        if (isCurrent) b.className += ' current';
        b.appendChild(text(document.createElement('small'), isCurrent ? '当前预约' : s.available > 0 ? '余 ' + s.available : '已约满'));
        b.setAttribute('aria-checked', 'false');
        b.addEventListener('click', function () {
          slotsBox.querySelectorAll('button').forEach(function (x) { x.setAttribute('aria-checked', 'false'); });
          b.setAttribute('aria-checked', 'true');
          chosen = s.start;
          showError('start', '');
        });
        b.setAttribute('role', 'radio');
        slotsBox.appendChild(b);
      });
    }).catch(function () { text(document.getElementById('date-reason'), '时段加载失败，请检查网络后重试'); });
  }
  hallSel.addEventListener('change', fillDates);
  dateSel.addEventListener('change', loadSlots);
  if (data.halls.length) fillDates(); else slotsBox.textContent = '该事项暂无可预约的大厅';

  // 预检材料: each file is uploaded when chosen; the booking carries the upload's id.
  var uploading = 0;
  form.querySelectorAll('input[data-upload]').forEach(function (input) {
    var name = input.getAttribute('data-upload');
    var hidden = form.querySelector('[data-upload-id="' + name + '"]');
    var status = form.querySelector('[data-upload-status="' + name + '"]');
    var error = form.querySelector('[data-error-for="' + name + '"]');
    input.addEventListener('change', function () {
      hidden.value = '';
      error.textContent = '';
      text(status, status.getAttribute('data-hint'));
      var file = input.files && input.files[0];
      if (!file) return;
      // Size check first, so nobody waits for a file the server will refuse.
      if (file.size > Number(input.getAttribute('data-max-kb')) * 1024) {
        error.textContent = '“' + input.getAttribute('data-label') + '”超过大小限制';
        input.value = '';
        return;
      }
      var body = new FormData();
      body.append('file', file, file.name);
      var url = '/api/uploads?service=' + encodeURIComponent(data.service) + '&field=' + encodeURIComponent(name);
      uploading++;
      text(status, '正在上传…');
      fetch(url, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' }, body: body })
        .then(function (r) { return r.json().catch(function () { return {}; }).then(function (b) { return { ok: r.ok, status: r.status, body: b }; }); })
        .then(function (res) {
          uploading--;
          if (res.ok) { hidden.value = res.body.id; text(status, '已上传：' + res.body.name); return; }
          input.value = '';
          text(status, status.getAttribute('data-hint'));
          error.textContent = res.body.message || (res.status === 413 ? '文件过大' : '上传失败，请重试');
        })
        .catch(function () {
          uploading--;
          input.value = '';
          text(status, status.getAttribute('data-hint'));
          error.textContent = '网络异常，上传失败，请重试';
        });
    });
  });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors();
    if (!chosen) { showError('start', '请选择预约时段'); return; }
    if (uploading > 0) { showError('', '文件正在上传，请稍候再提交'); return; }
    var fields = {};
    form.querySelectorAll('[data-field]').forEach(function (el) { fields[el.name] = el.value; });
    var url = data.rescheduleId ? '/api/appointments/' + encodeURIComponent(data.rescheduleId) + '/reschedule' : '/api/services/' + data.service + '/appointments';
    var payload = data.rescheduleId ? { hall: hall().ref, start: chosen } : { hall: hall().ref, start: chosen, fields: fields };
    var button = document.getElementById('submit');
    button.disabled = true;
    fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; }); })
      .then(function (res) {
        button.disabled = false;
        if (!res.ok) {
          var details = Array.isArray(res.body.details) ? res.body.details : [];
          details.forEach(function (d) { showError(d.field, d.message); });
          if (!details.length) showError(res.body.details && res.body.details.field || '', res.body.message || '提交失败，请稍后再试');
          if (res.status === 409) loadSlots();
          return;
        }
        var a = res.body.appointment;
        form.hidden = true;
        document.getElementById('done').hidden = false;
        text(document.getElementById('done-title'), data.rescheduleId ? '改约成功' : '预约成功');
        text(document.getElementById('done-number'), a.number);
        text(document.getElementById('done-when'), '时间：' + dateSel.options[dateSel.selectedIndex].textContent.split(' · ')[0] + ' ' + slotsBox.querySelector('[aria-checked="true"]').dataset.label);
        text(document.getElementById('done-hall'), '地点：' + a.hallName + '（' + a.hallAddress + '）');
      })
      .catch(function () { button.disabled = false; showError('', '网络异常，请稍后再试'); });
  });
})();
