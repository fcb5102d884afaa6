// Syntax highlighting (highlight.js core with the C and TypeScript grammars only), split into
// lines that each close their own spans, with known identifiers marked for linking. A page then
// renders the lines it needs, turning the marks into links relative to itself.
import hljs from 'highlight.js/lib/core';
import c from 'highlight.js/lib/languages/c';
import typescript from 'highlight.js/lib/languages/typescript';
import { esc, rel } from './util.mjs';

hljs.registerLanguage('c', c);
hljs.registerLanguage('typescript', typescript);

/** Spans whose text is never an identifier to link. */
const NO_LINK = /comment|string|meta|number|regexp|literal|keyword|built_in|type|subst/;
const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * Highlights `text` as `lang` ('c' or 'typescript'); returns one HTML string per line, with the
 * identifiers in `names` wrapped in marks that `renderLine` turns into links.
 */
export function highlightLines(text, lang, names) {
  const html = hljs.highlight(text, { language: lang, ignoreIllegals: true }).value;
  const lines = [];
  const stack = [];
  let cur = '';
  const markIds = (s) =>
    s.replace(/&[#\w]+;|[A-Za-z_$][\w$]*/g, (m) => (m[0] !== '&' && names.has(m) ? `${OPEN}${m}${CLOSE}` : m));
  const re = /<span class="([^"]*)">|<\/span>|([^<]+)/g;
  let m;
  while ((m = re.exec(html))) {
    if (m[1] !== undefined) {
      stack.push(m[1]);
      cur += m[0];
    } else if (m[2] === undefined) {
      stack.pop();
      cur += '</span>';
    } else {
      const linkable = !stack.some((k) => NO_LINK.test(k));
      const parts = m[2].split('\n');
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) {
          lines.push(cur + '</span>'.repeat(stack.length));
          cur = stack.map((k) => `<span class="${k}">`).join('');
        }
        cur += linkable ? markIds(parts[i]) : parts[i];
      }
    }
  }
  lines.push(cur);
  if (text.endsWith('\n') && lines.length > 1) lines.pop();
  return lines;
}

const MARK = new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, 'g');

/** One highlighted line for the page at `page`; `link(name)` gives a site path or null. */
export function renderLine(line, page, link) {
  return line.replace(MARK, (_, name) => {
    const to = link(name);
    return to ? `<a class="id" href="${esc(rel(page, to))}">${name}</a>` : name;
  });
}

/**
 * A code block of lines `from`..`to` (1-based, inclusive). With `anchors`, each line gets the id
 * `L<n>` and its number links to itself; otherwise the number links to `numberHref(n)`.
 */
export function codeBlock(lines, from, to, page, link, { anchors = false, numberHref = null, lang = '' } = {}) {
  const out = [];
  const last = Math.min(to, lines.length);
  for (let n = from; n <= last; n++) {
    const body = renderLine(lines[n - 1] ?? '', page, link);
    if (anchors) out.push(`<span class="l" id="L${n}"><a class="n" href="#L${n}">${n}</a>${body}\n</span>`);
    else {
      const num = numberHref ? `<a class="n" href="${esc(rel(page, numberHref(n)))}">${n}</a>` : `<span class="n">${n}</span>`;
      out.push(`<span class="l">${num}${body}\n</span>`);
    }
  }
  return `<pre class="code hljs ${lang}"><code>${out.join('')}</code></pre>`;
}

/** Highlighted HTML of a snippet (notes' fenced code), no line numbers. */
export function highlightSnippet(text, lang) {
  const language = { c: 'c', h: 'c', ts: 'typescript', typescript: 'typescript' }[lang];
  if (!language) return esc(text);
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}
