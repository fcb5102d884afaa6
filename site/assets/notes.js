/* global window, document, console, NodeFilter */
// Draws the notes' mermaid diagrams with the bundled mermaid (assets/mermaid.min.js).
(function () {
  'use strict';
  if (!window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
  var SVG = 'http://www.w3.org/2000/svg';

  // Turns the function names the build found in a diagram (data-links: name -> href) into links.
  function linkNames(pre) {
    var links;
    try { links = JSON.parse(pre.getAttribute('data-links') || '{}'); } catch { return; }
    var names = Object.keys(links).sort(function (a, b) { return b.length - a.length; });
    if (!names.length) return;
    var re = new RegExp('\\b(' + names.join('|') + ')\\b', 'g');
    var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    var texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (t) {
      var parent = t.parentNode;
      // Participant boxes of sequence diagrams are drawn twice and overlap their own text: skip them.
      if (!parent || parent.closest('a') || parent.closest('style') || parent.closest('text.actor, .actor-box')) return;
      var s = t.nodeValue;
      re.lastIndex = 0;
      if (!re.test(s)) return;
      re.lastIndex = 0;
      var inSvgText = parent.namespaceURI === SVG;
      var frag = document.createDocumentFragment();
      var last = 0;
      var m;
      while ((m = re.exec(s))) {
        frag.append(s.slice(last, m.index));
        var a = inSvgText ? document.createElementNS(SVG, 'a') : document.createElement('a');
        a.setAttribute('href', links[m[1]]);
        a.setAttribute('class', 'diagram-link');
        a.textContent = m[1];
        frag.append(a);
        last = m.index + m[1].length;
      }
      frag.append(s.slice(last));
      parent.replaceChild(frag, t);
    });
  }

  window.mermaid.run({ querySelector: 'pre.mermaid' }).then(function () {
    document.querySelectorAll('pre.mermaid[data-links]').forEach(linkNames);
    document.body.setAttribute('data-diagrams', 'done');
  }, function (err) {
    document.body.setAttribute('data-diagrams', 'error');
    document.body.setAttribute('data-diagram-error', String((err && err.message) || err).slice(0, 500));
    console.error(err);
  });
})();
