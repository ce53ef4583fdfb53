// The members page's filter, by name, tier and country: progressive
// enhancement (the page is whole without it), no server, no framework.
// It only reads the page's data attributes and shows or hides items.
(function () {
  'use strict';
  var form = document.getElementById('filter');
  if (!form) { return; }
  var name = document.getElementById('filter-name');
  var tier = document.getElementById('filter-tier');
  var country = document.getElementById('filter-country');
  var status = document.getElementById('filter-status');
  var items = Array.prototype.slice.call(document.querySelectorAll('li[data-name]'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section[data-tier-section]'));

  function apply() {
    var q = name.value.trim().toLowerCase();
    var t = tier ? tier.value : '';
    var c = country ? country.value : '';
    var shown = 0;
    items.forEach(function (li) {
      var ok = (!q || li.getAttribute('data-name').indexOf(q) !== -1) &&
        (!t || li.getAttribute('data-tier') === t) &&
        (!c || li.getAttribute('data-country') === c);
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var filtering = q !== '' || t !== '' || c !== '';
    sections.forEach(function (section) {
      section.hidden = filtering && !section.querySelector('li[data-name]:not([hidden])');
    });
    status.textContent = shown + ' of ' + items.length + ' members shown';
  }

  form.addEventListener('submit', function (event) { event.preventDefault(); apply(); });
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.hidden = false;
  apply();
}());
