// The model-driven pages: side-by-side pages per C file, full-source pages for both languages,
// the home page with the coverage dashboard, the config option and $SYS tables, and the search
// page with its index.
import { codeBlock } from './code.mjs';
import { page } from './layout.mjs';
import { esc, href, rel } from './util.mjs';

const link = (from, to, text, cls = '') => `<a${cls ? ` class="${cls}"` : ''} href="${esc(rel(from, to))}">${text}</a>`;
const code = (s) => `<code>${esc(s)}</code>`;
/** Doc-comment text with its `code spans` as <code>. */
const prose = (s) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function statusBadge(status) {
  return `<span class="badge s-${esc(status ?? 'none')}">${esc(status ?? 'unknown')}</span>`;
}

function verdictBadge(v) {
  if (!v) return '';
  const label = { same: 'same calls', explained: 'differences explained', flagged: 'calls differ' }[v.verdict] ?? v.verdict;
  return `<span class="badge v-${esc(v.verdict)}" title="fidelity: do the pair call the same things?">${esc(label)}</span>`;
}

/** "calls" and "called by" lists for one function on one side. */
function callLists(ix, fn, p) {
  const resolve = fn.side === 'c' ? ix.resolveC : ix.resolveTs;
  const callersMap = fn.side === 'c' ? ix.cCallers : ix.tsCallers;
  const callees = fn.calls.flatMap((name) => {
    const to = resolve(name, fn.file);
    if (to) return [link(p, to.href, esc(name), 'callee')];
    return name.startsWith('.') ? [] : [`<span class="ext">${esc(name)}</span>`];
  });
  const callers = (callersMap.get(fn.name) ?? [])
    .filter((k) => resolve(fn.name, k.file) === fn)
    .map((k) => link(p, k.href, esc(k.qual ?? k.name), 'caller') + (k.file !== fn.file ? `<span class="where"> ${esc(k.file)}</span>` : ''));
  return `<dl class="calls">
<dt>calls</dt><dd>${callees.length ? callees.join(', ') : '<span class="none">nothing</span>'}</dd>
<dt>called by</dt><dd>${callers.length ? callers.join(', ') : '<span class="none">no caller in the inventory</span>'}</dd>
</dl>`;
}

function tsTags(t) {
  const out = [];
  if (t.summary) out.push(`<p class="summary">${prose(t.summary)}</p>`);
  if (t.tags?.c) out.push(`<p class="tag"><b>@c</b> ${code(`${t.tags.c.path} ${t.tags.c.name}`)}</p>`);
  if (t.tags?.adapted) out.push(`<p class="tag"><b>@adapted</b> ${prose(t.tags.adapted)}</p>`);
  if (t.tags?.tsonly) out.push(`<p class="tag"><b>@tsonly</b> ${prose(t.tags.tsonly)}</p>`);
  return out.join('\n');
}

function tsSide(ix, t, p, lines) {
  return `<div class="side ts">
<div class="head">TS · ${link(p, t.src, esc(`${t.file}:${t.line}`))}${t.owner ? ` · method of ${code(t.owner)}` : ''}</div>
${tsTags(t)}
${codeBlock(lines.ts(t.file), t.start, t.end, p, (n) => ix.tsLink(n, t.file), { numberHref: (n) => href.ts(t.file, n), lang: 'typescript' })}
${callLists(ix, t, p)}
</div>`;
}

function fidelityNote(v) {
  if (!v || v.verdict === 'same') return '';
  const parts = [];
  if (v.onlyC?.length) parts.push(`only the C calls ${v.onlyC.map(code).join(', ')}`);
  if (v.onlyTs?.length) parts.push(`only the TS calls ${v.onlyTs.map(code).join(', ')}`);
  if (v.unportedCallees?.length) parts.push(`callees not ported: ${v.unportedCallees.map(code).join(', ')}`);
  return parts.length ? `<p class="fid v-${esc(v.verdict)}">Fidelity (${esc(v.verdict)}): ${parts.join('; ')}.</p>` : '';
}

/** The side-by-side page of one C file. */
export function sbsPage(ix, cf, lines) {
  const p = href.sbs(cf.file);
  const fns = ix.cFns.filter((f) => f.file === cf.file);
  const cov = cf.coverage;
  const twins = cov?.twins ?? [];
  const sections = fns.map((fn) => {
    const v = fn.ports.length ? ix.fidelityOf(fn, fn.ports[0]) : null;
    let right;
    if (fn.ports.length) right = fn.ports.map((t) => tsSide(ix, t, p, lines)).join('\n');
    else if (fn.status === 'omitted') right = `<div class="side ts omitted"><p><b>Omitted on purpose.</b> ${esc(fn.reason ?? '')}</p></div>`;
    else right = `<div class="side ts missing"><p><b>Not ported.</b> No TS function pairs with this one yet.</p></div>`;
    const flags = [fn.static ? 'static' : '', fn.condition ? `only when ${fn.condition}` : ''].filter(Boolean).map(esc).join(' · ');
    return `<section class="fn st-${esc(fn.status ?? 'none')}" id="${esc(fn.anchor)}">
<h2><a class="self" href="#${esc(fn.anchor)}">${esc(fn.name)}</a> ${statusBadge(fn.status)} ${verdictBadge(v)}</h2>
<div class="pair">
<div class="side c">
<div class="head">C · ${link(p, fn.src, esc(`${cf.file}:${fn.line}`))}${flags ? ` · ${flags}` : ''}</div>
${codeBlock(lines.c(cf.file), fn.start, fn.end, p, (n) => ix.cLink(n, cf.file), { numberHref: (n) => href.c(cf.file, n), lang: 'c' })}
${callLists(ix, fn, p)}
</div>
${right}
</div>
${fidelityNote(v)}
</section>`;
  });
  const tsOnly = ix.tsFns.filter((t) => t.twin === cf.file && !t.cPair);
  const tsOnlySections = tsOnly.map((t) => {
    const macro = ix.macroOf(t);
    const why = macro
      ? `Ports the C macro ${link(p, macro.href, esc(`${macro.name} (${macro.file}:${macro.line})`))}.`
      : t.tags?.tsonly ? '' : esc(`No C original found (pairing: ${t.pairing?.status ?? 'none'}).`);
    return `<section class="fn tsonly" id="${esc(t.anchor)}">
<h2><a class="self" href="#${esc(t.anchor)}">${esc(t.qual)}</a> <span class="badge s-tsonly">TS only</span></h2>
${why ? `<p class="why">${why}</p>` : ''}
<div class="pair single">${tsSide(ix, t, p, lines)}</div>
</section>`;
  });
  const toc = fns.map((fn) => `<li class="st-${esc(fn.status ?? 'none')}">${link(p, `${p}#${fn.anchor}`, esc(fn.name))}</li>`).join('')
    + tsOnly.map((t) => `<li class="st-tsonly">${link(p, `${p}#${t.anchor}`, esc(t.qual))}</li>`).join('');
  const summary = cov
    ? `${cov.functions} functions: ${cov.ported} ported, ${cov.omitted} omitted, ${cov.missing} missing; fidelity of the ported: ${cov.same} same, ${cov.explained} explained, ${cov.flagged} flagged.`
    : '';
  const body = `<h1>${esc(cf.file)} <span class="vs">side by side</span></h1>
<p class="meta">${summary}</p>
<p class="meta">C source in full: ${link(p, href.c(cf.file), esc(cf.file))}${twins.length ? ` · TS: ${twins.map((t) => link(p, href.ts(t), esc(t))).join(', ')}` : ' · no TS file mirrors it'}</p>
<details class="toc" open><summary>Functions</summary><ul>${toc}</ul></details>
${sections.join('\n')}
${tsOnlySections.length ? `<h2 class="part">Only in the TS port</h2>\n${tsOnlySections.join('\n')}` : ''}`;
  return page({ path: p, title: `${cf.file} side by side`, body, bodyClass: 'sbs' });
}

/** A C file in full, every line anchored. */
export function cSourcePage(ix, file, lines) {
  const p = href.c(file);
  const twins = ix.cFiles.find((f) => f.file === file)?.coverage?.twins ?? [];
  const more = [
    ix.sbsFiles.has(file) ? link(p, href.sbs(file), 'side by side with the port') : '',
    ...twins.map((t) => `TS: ${link(p, href.ts(t), esc(t))}`),
  ].filter(Boolean).join(' · ');
  const body = `<h1>${esc(file)} <span class="vs">mosquitto 2.0.11</span></h1>
<p class="meta">${more || 'Not ported (no TS file mirrors it).'}</p>
${codeBlock(lines.c(file), 1, Infinity, p, (n) => ix.cLink(n, file), { anchors: true, lang: 'c' })}`;
  return page({ path: p, title: file, body, bodyClass: 'source' });
}

/** A TS file in full, every line anchored. */
export function tsSourcePage(ix, file, lines) {
  const p = href.ts(file);
  const twin = ix.cTwinOfTs(file);
  const more = twin
    ? `Ports ${link(p, ix.sbsFiles.has(twin) ? href.sbs(twin) : href.c(twin), esc(twin))}${ix.sbsFiles.has(twin) ? ` (${link(p, href.c(twin), 'C source')})` : ''}`
    : 'No C twin.';
  const body = `<h1>${esc(file)} <span class="vs">the port</span></h1>
<p class="meta">${more}</p>
${codeBlock(lines.ts(file), 1, Infinity, p, (n) => ix.tsLink(n, file), { anchors: true, lang: 'typescript' })}`;
  return page({ path: p, title: file, body, bodyClass: 'source' });
}

function bar(c) {
  if (!c.functions) return '';
  const w = (n) => ((100 * n) / c.functions).toFixed(1);
  return `<span class="bar" title="${c.ported} ported, ${c.omitted} omitted, ${c.missing} missing"><span class="b-ported" style="width:${w(c.ported)}%"></span><span class="b-omitted" style="width:${w(c.omitted)}%"></span><span class="b-missing" style="width:${w(c.missing)}%"></span></span>`;
}

/** The home page: what this is, the reading order, the coverage dashboard. */
export function homePage(ix, { readingOrder, notesCount }) {
  const p = 'index.html';
  const rows = ix.cFiles.filter((f) => f.coverage).map((f) => ({ ...f.coverage }));
  const groups = new Map();
  for (const r of rows) {
    const g = r.file.startsWith('plugins/') || r.file.startsWith('apps/') ? r.file.split('/').slice(0, 2).join('/') : r.file.split('/')[0];
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(r);
  }
  const sum = (rs) => rs.reduce((a, r) => {
    for (const k of ['functions', 'ported', 'omitted', 'missing', 'same', 'explained', 'flagged']) a[k] += r[k];
    return a;
  }, { functions: 0, ported: 0, omitted: 0, missing: 0, same: 0, explained: 0, flagged: 0 });
  const tr = (r, name, cls = '') => `<tr class="${cls}"><td>${name}</td><td>${r.twinsHtml ?? ''}</td><td class="num">${r.functions}</td><td class="num">${r.ported}</td><td class="num">${r.omitted}</td><td class="num">${r.missing}</td><td>${bar(r)}</td><td class="num">${r.same}</td><td class="num">${r.explained}</td><td class="num ${r.flagged ? 'flag' : ''}">${r.flagged}</td></tr>`;
  const body = [];
  for (const [g, rs] of groups) {
    const t = sum(rs);
    body.push(tr(t, `<b>${esc(g)}/</b>`, 'group'));
    for (const r of rs) {
      r.twinsHtml = r.twins.map((t2) => link(p, href.ts(t2), esc(t2.replace(/^src\//, '')))).join('<br>');
      body.push(tr(r, link(p, href.sbs(r.file), esc(r.file))));
    }
  }
  const total = sum(rows);
  const order = readingOrder.length
    ? `<ol class="reading">${readingOrder.map((n) => `<li>${link(p, href.note(n.name), esc(n.title))}${n.blurb ? ` <span class="blurb">${esc(n.blurb)}</span>` : ''}</li>`).join('')}</ol>`
    : '<p>No notes yet.</p>';
  const m = ix.model;
  const html = `<h1>mosquitto 2.0.11, read next to its TypeScript port</h1>
<p>This site joins three things: mosquitto's C source (the pinned 2.0.11 tree), its function-for-function
TypeScript port, and study notes. Each C file has a page with every function side by side with its port
(callers and callees linked on both sides); every file of either language can be read in full with line
anchors; ${link(p, 'search.html', 'search')} finds any identifier on both sides.</p>
<div class="cards">
<div class="card"><b>${total.ported}</b> of <b>${total.functions}</b> C functions ported, <b>${total.omitted}</b> omitted on purpose, <b>${total.missing}</b> not ported</div>
<div class="card"><b>${total.same}</b> ported functions call the same things as their C original, <b>${total.explained}</b> differ with a reason, <b>${total.flagged}</b> are flagged</div>
<div class="card">${link(p, 'options.html', `<b>${m.options.length}</b> config options`)} · ${link(p, 'sys.html', `<b>${m.sys.length}</b> $SYS topics`)} · ${link(p, 'api/index.html', 'API of the port')} · ${link(p, 'notes/index.html', `<b>${notesCount}</b> notes`)}</div>
</div>
<h2 id="reading-order">Reading order</h2>
${order}
<h2 id="coverage">Coverage per C file</h2>
<p class="meta">Functions as the cross-linker finds them in the C tree (build configuration: ${esc(m.configuration)}). Ported: a TS function pairs with it; omitted: listed with a reason in <code>src/xref/omitted.json</code>; missing: neither. Fidelity compares the calls each side makes.</p>
<table class="coverage">
<thead><tr><th>C file</th><th>TS</th><th>functions</th><th>ported</th><th>omitted</th><th>missing</th><th></th><th>same</th><th>explained</th><th>flagged</th></tr></thead>
<tbody>
${body.join('\n')}
${tr(total, '<b>all</b>', 'total')}
</tbody>
</table>`;
  return page({ path: p, title: 'Home', body: html, bodyClass: 'home' });
}

export function optionsPage(ix) {
  const p = 'options.html';
  const opts = [...ix.model.options].sort((a, b) => a.name.localeCompare(b.name));
  const conf = 'src/conf.c';
  const rows = opts.map((o) => `<tr id="opt-${esc(o.name)}"><td><code>${esc(o.name)}</code></td><td>${link(p, href.c(conf, o.line), esc(`${conf}:${o.line}`))}</td><td class="${o.accepted ? 'yes' : 'no'}">${o.accepted ? 'yes' : 'no'}</td></tr>`);
  const accepted = opts.filter((o) => o.accepted).length;
  const body = `<h1>Config options</h1>
<p class="meta">Every option name mosquitto 2.0.11's <code>conf.c</code> compares a config line's first word with (${opts.length} names, ${accepted} accepted by the port's <code>conf.ts</code>). The C column links to the line where the name is read.</p>
<table class="options"><thead><tr><th>option</th><th>read in C at</th><th>accepted by the port</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
  return page({ path: p, title: 'Config options', body });
}

/** The anchor of a $SYS topic's row on sys.html. */
export function sysAnchor(topic) {
  return `sys-${topic.slice(5).replace(/%[-0-9.]*l*[a-z]/g, 'X').replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

export function sysPage(ix) {
  const p = 'sys.html';
  const seen = new Set();
  const rows = ix.model.sys.map((s) => {
    const id = sysAnchor(s.value);
    const idAttr = seen.has(id) ? '' : ` id="${esc(id)}"`;
    seen.add(id);
    const fn = s.function ? ix.resolveC(s.function, s.file) : null;
    const ts = s.ts.map((at) => {
      const { file, line } = ix.splitAt(at);
      return link(p, href.ts(file, line), esc(at));
    });
    return `<tr${idAttr}><td><code>${esc(s.value)}</code></td><td>${link(p, href.c(s.file, s.line), esc(`${s.file}:${s.line}`))}</td><td>${fn ? link(p, fn.href, esc(fn.name)) : esc(s.function ?? '')}</td><td>${ts.length ? ts.join('<br>') : '<span class="no">not in the port</span>'}</td></tr>`;
  });
  const body = `<h1>$SYS topics</h1>
<p class="meta">Every <code>$SYS/...</code> topic string in mosquitto's broker sources, where it is published, and where the port publishes the same topic (<code>%s</code>, <code>%d</code> and template holes compare as wildcards).</p>
<table class="sys"><thead><tr><th>topic</th><th>C</th><th>C function</th><th>TS</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
  return page({ path: p, title: '$SYS topics', body });
}

/** The search index: one entry per identifier, hrefs relative to the site root. */
export function searchIndex(ix) {
  const names = new Map();
  const entry = (n) => {
    if (!names.has(n)) names.set(n, { n, c: [], t: [], cc: [], tc: [], k: 'fn' });
    return names.get(n);
  };
  for (const fn of ix.cFns) {
    const e = entry(fn.name);
    e.c.push([fn.file, fn.line, fn.href, fn.src, fn.status ?? '']);
    for (const k of ix.cCallers.get(fn.name) ?? []) {
      if (ix.resolveC(fn.name, k.file) === fn && !e.cc.some((x) => x[1] === k.href)) e.cc.push([k.name, k.href, k.file]);
    }
  }
  for (const t of ix.tsFns) {
    const e = entry(t.name);
    const macro = ix.macroOf(t);
    if (macro && !e.c.some((x) => x[2] === macro.href)) e.c.push([macro.file, macro.line, macro.href, macro.href, 'macro']);
    e.t.push([t.file, t.line, t.href, t.src, t.owner ?? '']);
    for (const k of ix.tsCallers.get(t.name) ?? []) {
      if (ix.resolveTs(t.name, k.file) === t && !e.tc.some((x) => x[1] === k.href)) e.tc.push([k.qual ?? k.name, k.href, k.file]);
    }
  }
  for (const s of ix.cStructs.values()) {
    const e = entry(s.name);
    if (!e.c.length) e.k = 'type';
    e.c.push([s.file, s.line, s.href, s.href, 'struct']);
  }
  for (const t of ix.tsTypes) {
    const e = entry(t.name);
    if (!e.c.length || e.k === 'type') e.k = 'type';
    e.t.push([t.file, t.line, t.href, t.src, t.kind]);
  }
  // Macros have no C definition as a function: every C call site of the name counts.
  for (const e of names.values()) {
    if (!e.c.some((x) => x[4] === 'macro')) continue;
    for (const k of ix.cCallers.get(e.n) ?? []) if (!e.cc.some((x) => x[1] === k.href)) e.cc.push([k.name, k.href, k.file]);
  }
  return [...names.values()].sort((a, b) => a.n.localeCompare(b.n));
}

export function searchPage() {
  const p = 'search.html';
  const body = `<h1>Identifier search</h1>
<p class="meta">Any C or TS function, struct or type: its C definition, its TS port, and where each is called.</p>
<input id="q" type="search" autofocus placeholder="sub__add, handle__publish, mosquitto__subhier ..." aria-label="identifier">
<div id="results" aria-live="polite"></div>`;
  return page({ path: p, title: 'Search', body, scripts: ['assets/search-index.js', 'assets/search.js'], bodyClass: 'searchpage' });
}
