// Small progressive enhancement; every page works without it.
document.addEventListener('change', function (e) {
  if (e.target.matches('[data-autosubmit]')) e.target.form.submit();
});
// data-confirm asks before an irreversible action; once asked, confirmed=1 tells the server so
// it skips its own confirmation page (the fallback without script).
document.addEventListener('submit', function (e) {
  var form = e.target, by = e.submitter;
  var msg = (by && by.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
  if (!msg) return;
  if (!window.confirm(msg)) { e.preventDefault(); return; }
  if (!form.querySelector('input[name=confirmed]')) {
    var ok = document.createElement('input');
    ok.type = 'hidden'; ok.name = 'confirmed'; ok.value = '1';
    form.appendChild(ok);
  }
});
