/* global window, document, location, history, URL, URLSearchParams, setTimeout, clearTimeout */
// Identifier search over the index the build writes (assets/search-index.js sets
// window.SEARCH_INDEX: one entry per name with its C and TS definitions and callers).
(function () {
  'use strict';
  var index = window.SEARCH_INDEX || [];
  var input = document.getElementById('q');
  var out = document.getElementById('results');
  var MAX = 40;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { e.append(c); });
    return e;
  }
  function a(href, text, cls) { return el('a', cls ? { href: href, class: cls } : { href: href }, [text]); }

  function callers(list, label) {
    if (!list.length) return el('div', { class: 'callers none' }, [label + ': none']);
    var d = el('div', { class: 'callers' }, [label + ' (' + list.length + '): ']);
    list.forEach(function (c, i) {
      if (i) d.append(', ');
      d.append(a(c[1], c[0]));
      d.append(el('span', { class: 'where' }, [' ' + c[2]]));
    });
    return d;
  }

  function card(e) {
    var c = el('section', { class: 'hit', 'data-name': e.n }, [el('h2', {}, [e.n])]);
    var cols = el('div', { class: 'pair' });
    var left = el('div', { class: 'side c' }, [el('div', { class: 'head' }, ['C'])]);
    if (!e.c.length) left.append(el('p', { class: 'none' }, ['no C definition']));
    e.c.forEach(function (d) {
      var p = el('p', { class: 'def' });
      if (d[2] !== d[3]) {
        p.append(a(d[2], 'side by side', 'sbs'));
        p.append(' · ');
      }
      p.append(a(d[3], d[0] + ':' + d[1], 'src'));
      if (d[4]) p.append(el('span', { class: 'badge s-' + d[4] }, [d[4]]));
      left.append(p);
    });
    left.append(callers(e.cc, 'called in C by'));
    var right = el('div', { class: 'side ts' }, [el('div', { class: 'head' }, ['TS'])]);
    if (!e.t.length) right.append(el('p', { class: 'none' }, ['no TS definition']));
    e.t.forEach(function (d) {
      var p = el('p', { class: 'def' });
      p.append(a(d[3], d[0] + ':' + d[1], 'src'));
      if (d[2] !== d[3]) { p.append(' · '); p.append(a(d[2], 'with its C original', 'sbs')); }
      if (d[4]) p.append(el('span', { class: 'owner' }, [' ' + d[4]]));
      right.append(p);
    });
    right.append(callers(e.tc, 'called in TS by'));
    cols.append(left, right);
    c.append(cols);
    return c;
  }

  function search(q) {
    q = q.trim().replace(/\(\)$/, '');
    out.textContent = '';
    if (!q) return;
    var lq = q.toLowerCase();
    var exact = [], prefix = [], sub = [];
    for (var i = 0; i < index.length; i++) {
      var n = index[i].n, ln = n.toLowerCase();
      if (ln === lq) exact.push(index[i]);
      else if (ln.indexOf(lq) === 0) prefix.push(index[i]);
      else if (ln.indexOf(lq) >= 0) sub.push(index[i]);
    }
    var hits = exact.concat(prefix, sub);
    out.append(el('p', { class: 'meta' }, [hits.length + ' identifier' + (hits.length === 1 ? '' : 's') + ' match' + (hits.length === 1 ? 'es' : '') + (hits.length > MAX ? '; the first ' + MAX + ' shown' : '')]));
    hits.slice(0, MAX).forEach(function (e) { out.append(card(e)); });
  }

  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      search(input.value);
      var u = new URL(location.href);
      u.searchParams.set('q', input.value);
      try { history.replaceState(null, '', u); } catch { /* file:// in some browsers */ }
    }, 80);
  });
  var q0 = new URLSearchParams(location.search).get('q');
  if (q0) { input.value = q0; search(q0); }
})();
