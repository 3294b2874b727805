// The WeChat simulator page: each action posts to /console/api/simulate and draws the reply as
// chat bubbles (text, or news cards linking to the H5 pages) plus the routing trace. While the
// page is open it also polls /console/api/simulate/outbox for what the account pushed to this
// simulated citizen later (staff replies, template notices) and adds those as marked bubbles.
(function () {
  var root = document.getElementById('simulator');
  if (!root) return;
  var csrf = root.getAttribute('data-csrf');
  var draft = root.getAttribute('data-draft') || '';
  var chat = document.getElementById('chat');
  var traceList = document.getElementById('trace');
  var ANSWERED = { keyword: '关键词', menu: '菜单', location: '位置', welcome: '关注欢迎语', help: '帮助', human: '转人工', none: '不回复' };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function scroll() { chat.scrollTop = chat.scrollHeight; }

  // Text replies may hold <a href="…">…</a> (WeChat renders them); everything else stays text.
  function richText(container, content) {
    var re = /<a href="(https?:\/\/[^"<>]+)">([^<]*)<\/a>/g;
    var last = 0, m;
    while ((m = re.exec(content))) {
      container.appendChild(document.createTextNode(content.slice(last, m.index)));
      var a = el('a', '', m[2]);
      a.href = m[1].replace(/&amp;/g, '&');
      a.target = '_blank';
      a.rel = 'noopener';
      container.appendChild(a);
      last = re.lastIndex;
    }
    container.appendChild(document.createTextNode(content.slice(last)));
  }

  function userBubble(text) {
    var row = el('div', 'row me');
    row.appendChild(el('div', 'bubble', text));
    chat.appendChild(row);
    scroll();
  }

  // label marks a pushed message (客服消息 / 模板消息); url is a template message's 详情 link.
  function reply(r, label, url) {
    var row = el('div', 'row them');
    var box = row;
    if (label || url) {
      box = el('div');
      box.style.maxWidth = '75%';
      row.appendChild(box);
      if (label) box.appendChild(el('small', 'muted', label));
    }
    if (r.kind === 'text') {
      var b = el('div', 'bubble');
      if (box !== row) b.style.maxWidth = '100%';
      richText(b, r.content);
      box.appendChild(b);
    } else if (r.kind === 'news') {
      var news = el('div', 'news');
      r.articles.forEach(function (a) {
        var link = el('a', 'article');
        link.href = a.url;
        link.target = '_blank';
        link.rel = 'noopener';
        link.appendChild(el('strong', '', a.title));
        link.appendChild(el('span', 'desc', a.description));
        news.appendChild(link);
      });
      if (box !== row) news.style.width = '100%';
      box.appendChild(news);
    } else {
      box.appendChild(el('div', 'bubble none', '（公众号没有回复）'));
    }
    if (url && /^https?:\/\//.test(url)) {
      var more = el('a', '', '详情');
      more.href = url;
      more.target = '_blank';
      more.rel = 'noopener';
      box.appendChild(el('div')).appendChild(more);
    }
    chat.appendChild(row);
    scroll();
  }

  function trace(label, result) {
    var li = el('li');
    li.appendChild(el('strong', '', label));
    var t = result.trace;
    if (t) {
      li.appendChild(el('span', 'tag', ANSWERED[t.answeredBy] || t.answeredBy));
      if (t.department) li.appendChild(el('span', 'tag dept', t.department === '@account' ? '平台裁决' : t.department));
      if (t.rule) li.appendChild(el('code', '', t.rule));
      li.appendChild(el('p', 'reason', t.reason));
      if (t.outcome) li.appendChild(el('p', 'muted', '查询：' + t.outcome + (t.source ? '，来源 ' + t.source : '') + (t.queryMs !== undefined ? '，用时 ' + t.queryMs + ' 毫秒' : '')));
    } else {
      li.appendChild(el('p', 'reason muted', '没有找到该消息的路由记录'));
    }
    li.appendChild(el('p', 'muted', result.mode === 'draft' ? '草稿预览（进程内路由）' : (result.encrypted ? '经 /wechat（安全模式加密）' : '经 /wechat（明文签名）')));
    traceList.insertBefore(li, traceList.firstChild);
  }

  function send(payload, label) {
    if (draft) payload.draft = draft;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/console/api/simulate');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.onload = function () {
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { message: '模拟失败' }; }
      if (xhr.status === 200) { reply(body.reply); trace(label, body); }
      else reply({ kind: 'text', content: '【模拟器】' + (body.message || ('请求失败 ' + xhr.status)) });
    };
    xhr.onerror = function () { reply({ kind: 'text', content: '【模拟器】网络错误' }); };
    xhr.send(JSON.stringify(payload));
  }

  document.getElementById('send-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = document.getElementById('msg');
    var text = input.value.trim();
    if (!text) return;
    userBubble(text);
    input.value = '';
    send({ action: 'text', text: text }, '文字：' + text);
  });

  document.getElementById('subscribe').addEventListener('click', function () {
    chat.appendChild(el('p', 'muted center', '你关注了公众号'));
    send({ action: 'subscribe' }, '关注');
  });

  function sendLocation() {
    var preset = document.getElementById('preset').value;
    var parts = preset ? preset.split(',') : [document.getElementById('lat').value, document.getElementById('lng').value];
    userBubble('[位置] ' + parts[0] + ', ' + parts[1]);
    send({ action: 'location', lat: parts[0], lng: parts[1], label: '模拟位置' }, '位置');
  }
  document.getElementById('send-location').addEventListener('click', sendLocation);

  function tap(btn) {
    var type = btn.getAttribute('data-type');
    var target = btn.getAttribute('data-target');
    var name = btn.getAttribute('data-name');
    if (!type) return; // opens a sub-menu (phone.js)
    var open = document.querySelector('#menubar .mb.open');
    if (open) open.className = 'mb';
    if (type === 'view') {
      chat.appendChild(el('p', 'muted center', '点击菜单“' + name + '”打开网页'));
      window.open(target, '_blank', 'noopener');
      return;
    }
    if (type === 'location_select') { sendLocation(); return; }
    chat.appendChild(el('p', 'muted center', '点击菜单“' + name + '”'));
    send({ action: 'click', key: target }, '菜单：' + name + '（' + target + '）');
  }

  var PUSHED = { custom: '客服消息', template: '模板消息' };
  var since = root.getAttribute('data-since') || '';
  var polling = false;

  function poll() {
    if (polling || document.hidden) return;
    polling = true;
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/console/api/simulate/outbox?since=' + encodeURIComponent(since));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.onload = function () {
      polling = false;
      if (xhr.status !== 200) return;
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (e) { return; }
      (body.messages || []).forEach(function (m) { reply(m.reply, PUSHED[m.kind] || m.kind, m.url); });
      if (body.since) since = body.since;
    };
    xhr.onerror = function () { polling = false; };
    xhr.send();
  }
  setInterval(poll, 4000);

  document.getElementById('menubar').addEventListener('click', function (e) {
    var t = e.target;
    while (t && t !== this && t.tagName !== 'BUTTON') t = t.parentNode;
    if (t && t.tagName === 'BUTTON') tap(t);
  });
})();
