// Type-ahead for the organ filter of the search page: fills the box's datalist with the organs whose
// name contains what was typed. Without it the box still works: the page resolves the typed name.
(function () {
  var input = document.querySelector('input[data-organs]');
  if (!input || !window.fetch) return;
  var list = document.getElementById(input.getAttribute('list'));
  var timer, last = '';
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (!q) { list.textContent = ''; return; }
      fetch(input.getAttribute('data-organs') + '?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (organs) {
          if (input.value.trim() !== q) return;
          list.textContent = '';
          organs.forEach(function (o) {
            var opt = document.createElement('option');
            opt.value = o.name;
            opt.label = o.name + '（' + o.count + ' 件）';
            list.appendChild(opt);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
