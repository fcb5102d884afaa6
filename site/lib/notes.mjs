// The notes (notes/*.md) as pages: markdown by `marked`, mermaid blocks left for the bundled
// mermaid to draw in the browser, and the link convention of site/README.md (inline code naming
// a function, struct, file or file:line becomes a link).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { Marked } from 'marked';
import { highlightSnippet } from './code.mjs';
import { page } from './layout.mjs';
import { sysAnchor } from './pages.mjs';
import { esc, href, rel } from './util.mjs';

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to dashes. */
export function slug(text) {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e])
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The first paragraph of a rendered note as plain text, cut at about 200 characters. */
function blurbOf(html) {
  const p = /<p>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
  const text = p.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]).replace(/\s+/g, ' ').trim();
  if (text.length <= 200) return text;
  return `${text.slice(0, text.lastIndexOf(' ', 200))} …`;
}

/** Resolver of the link convention: inline code text -> site path, or null. */
export function refResolver(ix, { tsFiles, cFiles: allC = [] }) {
  const cFiles = [...new Set([...ix.cFilePaths, ...allC])];
  const cSet = new Set(cFiles);
  const byBase = (files) => {
    const m = new Map();
    for (const f of files) {
      const b = posix.basename(f);
      m.set(b, m.has(b) ? null : f);
    }
    return m;
  };
  // Bare names: the inventoried C files first, then the rest of the tree (test/, examples/).
  const cBaseModel = byBase([...ix.cFilePaths]);
  const cBaseAll = byBase(cFiles);
  const tsBase = byBase(tsFiles);
  const tsSet = new Set(tsFiles);
  const options = new Set(ix.model.options.map((o) => o.name));
  // $SYS topics: C's printf conversions match any one level.
  const sysTopics = ix.model.sys.map((t) => ({
    re: new RegExp(`^${t.value.split(/%[-0-9.]*l*[a-z]/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`),
    id: sysAnchor(t.value),
  }));

  const findC = (p) => {
    if (cSet.has(p)) return p;
    if (!p.includes('/')) return cBaseModel.has(p) ? cBaseModel.get(p) : cBaseAll.get(p) ?? null;
    const tail = cFiles.filter((f) => f.endsWith(`/${p}`));
    return tail.length === 1 ? tail[0] : null;
  };
  const findTs = (p) => {
    if (tsSet.has(p)) return p;
    if (tsSet.has(`src/${p}`)) return `src/${p}`;
    if (!p.includes('/')) return tsBase.get(p) ?? null;
    const tail = tsFiles.filter((f) => f.endsWith(`/${p}`));
    return tail.length === 1 ? tail[0] : null;
  };
  const fnLink = (name) => {
    const c = ix.resolveC(name, null);
    if (c) return c.href;
    const t = ix.resolveTs(name, null);
    if (t) return t.href;
    return ix.cStructs.get(name)?.href ?? ix.tsTypeByName.get(name)?.href ?? null;
  };

  return (raw) => {
    const text = raw.trim();
    const fm = /^(?:(?:c|ts):)?([\w./-]+\.(c|h|ts))(?:(?::|#L)(\d+)(?:-L?\d+)?)?(?:\s+([A-Za-z_]\w*)(?:\(\))?)?$/.exec(text);
    if (fm) {
      const [, path, ext, line, fn] = fm;
      if (ext === 'ts') {
        const f = findTs(path);
        if (!f) return null;
        if (fn) return ix.resolveTs(fn, f)?.href ?? href.ts(f, line ? Number(line) : 0);
        return href.ts(f, line ? Number(line) : 0);
      }
      const f = findC(path);
      if (!f) return null;
      if (fn) {
        const def = ix.cByName.get(fn)?.find((d) => d.file === f);
        if (def) return def.href;
      }
      if (line) return href.c(f, Number(line));
      return ix.sbsFiles.has(f) ? href.sbs(f) : href.c(f);
    }
    if (text.startsWith('$SYS/')) {
      const t = sysTopics.find((x) => x.re.test(text));
      return t ? `sys.html#${t.id}` : null;
    }
    const im = /^(?:struct\s+)?([A-Za-z_]\w*)(?:\(\))?$/.exec(text);
    if (im) {
      const to = fnLink(im[1]);
      if (to) return to;
      if (options.has(text)) return `options.html#opt-${text}`;
    }
    return null;
  };
}

/** The notes in the reading order of notes/README.md (links to notes, first appearance), then the rest. */
function readingOrder(notesDir, names) {
  const readme = join(notesDir, 'README.md');
  const ordered = [];
  if (existsSync(readme)) {
    const text = readFileSync(readme, 'utf8');
    for (const m of text.matchAll(/\[([^\]]*)\]\((?:\.\/)?([\w.-]+)\.md(?:#[^)]*)?\)/g)) {
      if (names.includes(m[2]) && m[2] !== 'README' && !ordered.includes(m[2])) ordered.push(m[2]);
    }
  }
  return ordered;
}

/**
 * Renders every note. Returns the pages (site path, HTML), the other files they link to
 * ({ from, to }: copy them), the reading order (name, title, blurb) and warnings about links
 * the site cannot resolve (left as plain text).
 */
export function renderNotes(ix, { repoRoot, notesDir, tsFiles, cFiles }) {
  const mdFiles = existsSync(notesDir) ? readdirSync(notesDir).filter((f) => f.endsWith('.md')).sort() : [];
  const names = mdFiles.map((f) => basename(f, '.md'));
  /** Other files the notes link to (demo scripts, data), copied into the site. */
  const files = [];
  const noteName = (n) => (n === 'README' ? 'index' : n);
  const resolveRef = refResolver(ix, { tsFiles, cFiles });
  const warnings = [];
  /** Inline code that looks like a C or TS file reference but names no file of either tree. */
  const unresolvedFiles = new Set();
  const titles = new Map();
  const pages = [];
  const blurbs = new Map();

  for (const file of mdFiles) {
    const name = basename(file, '.md');
    const p = href.note(noteName(name));
    const src = readFileSync(join(notesDir, file), 'utf8');
    const usedSlugs = new Map();
    let inLink = 0;
    let title = null;
    let diagrams = 0;
    const linkTarget = (h) => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return { external: h };
      if (h.startsWith('#')) return { site: `${p}${h}` };
      const [path, frag] = h.split('#');
      const md = /^(?:\.\/)?([\w.-]+)\.md$/.exec(path);
      if (md && names.includes(md[1])) return { site: href.note(noteName(md[1]), frag) };
      const abs = posix.normalize(posix.join('notes', path));
      const local = join(notesDir, path);
      if (path && !path.endsWith('.md') && abs.startsWith('notes/') && existsSync(local) && statSync(local).isFile()) {
        files.push({ from: local, to: abs });
        return { site: abs + (frag ? `#${frag}` : '') };
      }
      if (abs.endsWith('.ts') && existsSync(join(repoRoot, abs))) {
        const line = /^L(\d+)/.exec(frag ?? '')?.[1];
        return { site: href.ts(abs, line ? Number(line) : 0) };
      }
      const viaRef = resolveRef(path + (frag && /^L\d+$/.test(frag) ? `#${frag}` : ''));
      if (viaRef) return { site: viaRef };
      return null;
    };
    const marked = new Marked({
      gfm: true,
      renderer: {
        heading(tok) {
          const inner = this.parser.parseInline(tok.tokens);
          let id = slug(inner) || 'section';
          const n = usedSlugs.get(id) ?? 0;
          usedSlugs.set(id, n + 1);
          if (n) id = `${id}-${n}`;
          if (tok.depth === 1 && !title) title = inner.replace(/<[^>]*>/g, '');
          return `<h${tok.depth} id="${esc(id)}"><a class="self" href="#${esc(id)}">${inner}</a></h${tok.depth}>\n`;
        },
        codespan(tok) {
          let to = inLink ? null : resolveRef(tok.text);
          if (!to && !inLink && /^notes\/[\w./-]+$/.test(tok.text) && !tok.text.endsWith('.md')) {
            const t = linkTarget(posix.relative('notes', tok.text));
            to = t?.site ?? null;
          }
          if (!to && !tok.text.startsWith('test/') && /^[\w./-]+\.(c|h|ts)(?::\d+)?$/.test(tok.text)) unresolvedFiles.add(`${file}: \`${tok.text}\``);
          const c = `<code>${esc(tok.text)}</code>`;
          return to ? `<a class="ref" href="${esc(rel(p, to))}">${c}</a>` : c;
        },
        code(tok) {
          if (tok.lang === 'mermaid') {
            diagrams++;
            // Function names in the diagram become links once it is drawn (assets/notes.js).
            const links = {};
            for (const w of new Set(tok.text.match(/[A-Za-z_]\w*_\w*/g) ?? [])) {
              const to = (ix.resolveC(w, null) ?? ix.resolveTs(w, null))?.href;
              if (to) links[w] = rel(p, to);
            }
            const data = Object.keys(links).length ? ` data-links="${esc(JSON.stringify(links))}"` : '';
            return `<pre class="mermaid"${data}>${esc(tok.text)}</pre>\n`;
          }
          return `<pre class="snippet hljs"><code>${highlightSnippet(tok.text, (tok.lang ?? '').trim())}</code></pre>\n`;
        },
        link(tok) {
          inLink++;
          const inner = this.parser.parseInline(tok.tokens);
          inLink--;
          const t = linkTarget(tok.href);
          if (!t) {
            warnings.push(`${file}: link to ${tok.href} has no page on the site (left as text)`);
            return `<span class="deadlink" title="${esc(tok.href)}">${inner}</span>`;
          }
          if (t.external) return `<a class="external" href="${esc(t.external)}" rel="noopener noreferrer">${inner}</a>`;
          return `<a href="${esc(rel(p, t.site))}">${inner}</a>`;
        },
        image(tok) {
          return `<span class="image" title="${esc(tok.href)}">[image: ${esc(tok.text)}]</span>`;
        },
      },
    });
    const html = marked.parse(src);
    titles.set(name, title ?? name);
    blurbs.set(name, blurbOf(html));
    pages.push({ name, path: p, html, diagrams });
  }

  for (const u of unresolvedFiles) warnings.push(`${u} names no file of the C tree or the port (left as code)`);
  const order = readingOrder(notesDir, names);
  for (const n of names) if (!order.includes(n) && n !== 'README') order.push(n);
  const readingList = order.map((n) => ({ name: noteName(n), title: titles.get(n), blurb: blurbs.get(n) }));

  const out = pages.map((pg) => {
    const isIndex = pg.name === 'README';
    const nav = isIndex ? '' : notesNav(pg.path, readingList, noteName(pg.name));
    const body = `<article class="note">${pg.html}</article>${nav}`;
    return {
      path: pg.path,
      diagrams: pg.diagrams,
      html: page({
        path: pg.path,
        title: titles.get(pg.name),
        body,
        bodyClass: 'notepage',
        scripts: pg.diagrams ? ['assets/mermaid.min.js', 'assets/notes.js'] : [],
      }),
    };
  });
  if (!names.includes('README')) {
    const p = href.note('index');
    const list = readingList.map((n) => `<li><a href="${esc(rel(p, href.note(n.name)))}">${esc(n.title)}</a></li>`).join('');
    out.push({ path: p, diagrams: 0, html: page({ path: p, title: 'Notes', body: `<h1>Notes</h1><ol class="reading">${list}</ol>` }) });
  }
  return { pages: out, files, readingOrder: readingList, warnings, count: names.filter((n) => n !== 'README').length };
}

function notesNav(p, list, name) {
  const i = list.findIndex((n) => n.name === name);
  const prev = i > 0 ? list[i - 1] : null;
  const next = i >= 0 && i < list.length - 1 ? list[i + 1] : null;
  const a = (n, label) => `<a href="${esc(rel(p, href.note(n.name)))}">${label} ${esc(n.title)}</a>`;
  return `<nav class="prevnext">${prev ? a(prev, '←') : '<span></span>'}<a href="${esc(rel(p, href.note('index')))}">all notes</a>${next ? a(next, '→') : '<span></span>'}</nav>`;
}
