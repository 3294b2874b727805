// The simulator's 测试查询 card: runs one query against the live build or the draft and shows the
// outcome, the reply text, the data and the reason.
(function () {
  var root = document.getElementById('test-query');
  if (!root) return;
  var select = document.getElementById('tq-service');
  var inputs = document.getElementById('tq-inputs');
  var out = document.getElementById('tq-result');
  function example() {
    var option = select.options[select.selectedIndex];
    inputs.value = option ? option.getAttribute('data-example') : '{}';
  }
  select.addEventListener('change', example);
  example();
  document.getElementById('tq-run').addEventListener('click', function () {
    var parsed;
    try { parsed = JSON.parse(inputs.value || '{}'); } catch (e) { out.hidden = false; out.textContent = '查询条件不是有效的 JSON'; return; }
    var payload = { service: select.value, inputs: parsed };
    var draft = root.getAttribute('data-draft');
    if (draft) payload.draft = draft;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/console/api/test-query');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', root.getAttribute('data-csrf'));
    xhr.onload = function () {
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { message: '请求失败' }; }
      out.hidden = false;
      if (xhr.status !== 200) { out.textContent = body.message || ('请求失败 ' + xhr.status); return; }
      out.textContent = '结果：' + body.outcome + '（' + body.source + '，' + body.latencyMs + ' 毫秒）\n' + body.reason + '\n\n答复：\n' + body.reply + (body.data ? '\n\n数据：\n' + JSON.stringify(body.data, null, 2) : '');
    };
    xhr.send(JSON.stringify(payload));
  });
})();
