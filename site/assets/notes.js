/* global window, document, console */
// Draws the notes' mermaid diagrams with the bundled mermaid (assets/mermaid.min.js).
(function () {
  'use strict';
  if (!window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
  window.mermaid.run({ querySelector: 'pre.mermaid' }).then(function () {
    document.body.setAttribute('data-diagrams', 'done');
  }, function (err) {
    document.body.setAttribute('data-diagrams', 'error');
    document.body.setAttribute('data-diagram-error', String((err && err.message) || err).slice(0, 500));
    console.error(err);
  });
})();
