// The halls page: re-sorts the halls by distance from the citizen's position (page reloads with
// ?lat=&lng=). Plain ES5 for WeChat's in-app browser; served by the app, no inline script (CSP).
(function () {
  var button = document.getElementById('locate');
  var error = document.getElementById('locate-error');
  button.addEventListener('click', function () {
    if (!navigator.geolocation) { error.textContent = '您的浏览器不支持定位，请按区县查找'; return; }
    button.disabled = true;
    button.textContent = '正在获取位置…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      var q = new URLSearchParams({ lat: pos.coords.latitude.toFixed(6), lng: pos.coords.longitude.toFixed(6) });
      location.search = q.toString();
    }, function () {
      button.disabled = false;
      button.textContent = '📍 使用我的位置，按距离排序';
      error.textContent = '未能获取您的位置（可能未授权定位），请按区县查找';
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
  });
})();
