// Department file editor: line numbers, debounced server-side checks, diagnostics marked at
// their line; clicking a diagnostic selects that line. Plain ES5-style for old in-app browsers.
(function () {
  var root = document.getElementById('editor');
  if (!root) return;
  var text = document.getElementById('text');
  var gutter = document.getElementById('gutter');
  var list = document.getElementById('diagnostics');
  var summary = document.getElementById('summary');
  var state = document.getElementById('check-state');
  var department = root.getAttribute('data-department');
  var csrf = root.getAttribute('data-csrf');
  var submitButton = document.getElementById('submit-draft');
  var submitHint = document.getElementById('submit-hint');
  var savedText = text.value;
  var marks = {};
  var timer = null;
  var seq = 0;

  function lineHeight() {
    return parseFloat(window.getComputedStyle(text).lineHeight) || 20;
  }

  function drawGutter() {
    var count = text.value.split('\n').length;
    var html = '';
    for (var i = 1; i <= count; i++) {
      var m = marks[i];
      html += '<span class="ln' + (m ? ' ' + m.severity : '') + '" data-line="' + i + '"' + (m ? ' title="' + escapeHtml(m.title) + '"' : '') + '>' + i + '</span>\n';
    }
    gutter.innerHTML = html;
    gutter.scrollTop = text.scrollTop;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function jumpTo(line) {
    var lines = text.value.split('\n');
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || '').length;
    text.focus();
    text.setSelectionRange(start, end);
    text.scrollTop = Math.max(0, (line - 4) * lineHeight());
    gutter.scrollTop = text.scrollTop;
  }

  function show(result) {
    marks = {};
    var html = '';
    result.diagnostics.forEach(function (d) {
      var prev = marks[d.editorLine];
      if (!prev || d.severity === 'error') marks[d.editorLine] = { severity: d.severity, title: d.code + ' ' + d.message };
      html += '<li class="diag ' + d.severity + '" data-line="' + d.editorLine + '"><button type="button" class="link jump" data-line="' + d.editorLine + '">第 ' + d.editorLine + ' 行</button> <code>' + escapeHtml(d.code) + '</code> ' + escapeHtml(d.message) +
        (d.otherFile ? ' <span class="muted">（涉及 ' + escapeHtml(d.otherFile) + '）</span>' : '') + '</li>';
    });
    list.innerHTML = html;
    summary.textContent = result.summary.errors + ' 个错误，' + result.summary.warnings + ' 个警告' + (result.otherErrors ? '；其他文件另有 ' + result.otherErrors + ' 个错误' : '');
    drawGutter();
    updateSubmit(result.summary.errors);
  }

  // Submitting sends the saved draft: it is refused with errors, and edits not yet saved are not in it.
  function updateSubmit(errors) {
    if (!submitButton) return;
    var why = errors > 0 ? '请先修正 ' + errors + ' 个错误' : (text.value !== savedText ? '有未保存的修改，请先保存草稿' : '');
    submitButton.disabled = why !== '';
    submitHint.textContent = why;
  }

  function check() {
    var mine = ++seq;
    state.textContent = '检查中…';
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/console/api/departments/' + encodeURIComponent(department) + '/check');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.onload = function () {
      if (mine !== seq) return; // a newer check is on its way
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { message: '检查失败' }; }
      if (xhr.status === 200) { show(body); state.textContent = '已检查'; }
      else state.textContent = body.message || ('检查失败（' + xhr.status + '）');
    };
    xhr.onerror = function () { if (mine === seq) state.textContent = '网络错误，检查失败'; };
    xhr.send(JSON.stringify({ text: text.value }));
  }

  // Seed the marks from the server-rendered list so the gutter is right before the first check.
  Array.prototype.forEach.call(list.querySelectorAll('li.diag'), function (li) {
    var line = +li.getAttribute('data-line');
    var severity = li.className.indexOf('error') >= 0 ? 'error' : 'warning';
    if (!marks[line] || severity === 'error') marks[line] = { severity: severity, title: li.textContent };
  });
  drawGutter();

  text.addEventListener('input', function () {
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  text.addEventListener('scroll', function () { gutter.scrollTop = text.scrollTop; });
  text.addEventListener('keydown', function (e) {
    // Tab indents instead of leaving the editor.
    if (e.key === 'Tab' && !text.readOnly) {
      e.preventDefault();
      var s = text.selectionStart;
      text.value = text.value.slice(0, s) + '  ' + text.value.slice(text.selectionEnd);
      text.setSelectionRange(s + 2, s + 2);
      text.dispatchEvent(new Event('input'));
    }
  });
  list.addEventListener('click', function (e) {
    var t = e.target;
    while (t && t !== list && !t.getAttribute('data-line')) t = t.parentNode;
    if (t && t !== list) jumpTo(+t.getAttribute('data-line'));
  });
  gutter.addEventListener('click', function (e) {
    var line = e.target && e.target.getAttribute && e.target.getAttribute('data-line');
    if (line) jumpTo(+line);
  });
})();
