// The phone menu bar: tapping a top-level button with a sub-menu pops it up (and closes others).
(function () {
  var bar = document.getElementById('menubar');
  if (!bar) return;
  function closeAll(except) {
    Array.prototype.forEach.call(bar.querySelectorAll('.mb.open'), function (el) { if (el !== except) el.className = 'mb'; });
  }
  bar.addEventListener('click', function (e) {
    var btn = e.target;
    while (btn && btn !== bar && !(btn.className && String(btn.className).indexOf('mb-btn') >= 0)) btn = btn.parentNode;
    if (!btn || btn === bar || !btn.getAttribute('data-has-sub')) return;
    var item = btn.parentNode;
    var open = item.className.indexOf('open') < 0;
    closeAll(item);
    item.className = open ? 'mb open' : 'mb';
  });
  document.addEventListener('click', function (e) { if (!bar.contains(e.target)) closeAll(null); });
})();
