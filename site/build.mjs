#!/usr/bin/env node
/* global process, performance */
// Builds the companion site into site/dist (see site/README.md):
//   node site/build.mjs [--no-api] [--no-check] [--out DIR] [--notes DIR]
// Steps print as they go (a bar per step on a terminal) and the total time at the end.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { highlightLines } from './lib/code.mjs';
import { indexModel } from './lib/index.mjs';
import { renderNotes } from './lib/notes.mjs';
import { cSourcePage, homePage, optionsPage, sbsPage, searchIndex, searchPage, sysPage, tsSourcePage } from './lib/pages.mjs';
import { checkLinks } from './linkcheck.mjs';
import { href, progress, writePage } from './lib/util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const args = new Set(argv);
const opt = (name, dflt) => (argv.includes(name) ? resolve(argv[argv.indexOf(name) + 1]) : dflt);
const out = opt('--out', join(here, 'dist'));
const notesDir = opt('--notes', join(root, 'notes'));
const prog = progress();

/** Files under `base/dir` whose names pass `keep`, as sorted '/'-separated paths relative to `base`. */
function listFiles(base, dir, keep) {
  const res = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(e.name)) res.push(relative(base, p).split(sep).join('/'));
    }
  };
  walk(join(base, dir));
  return res.sort();
}

/** Whether dist/xref is older than src/xref (or missing): then the cross-linker is compiled first. */
function xrefStale() {
  const srcDir = join(root, 'src', 'xref');
  const distDir = join(root, 'dist', 'xref');
  if (!existsSync(join(distDir, 'model.js'))) return true;
  for (const f of readdirSync(srcDir)) {
    if (!f.endsWith('.ts')) continue;
    const js = join(distDir, f.replace(/\.ts$/, '.js'));
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(srcDir, f)).mtimeMs) return true;
  }
  return false;
}

async function main() {
  process.stderr.write(`site: building into ${relative(process.cwd(), out) || '.'}\n`);

  if (xrefStale()) {
    const s = prog.step('compile the cross-linker');
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (!existsSync(join(root, 'dist', 'xref', 'model.js'))) {
      process.stderr.write(r.stdout.toString() + r.stderr.toString());
      throw new Error('tsc did not produce dist/xref/model.js');
    }
    s.done(r.status ? '(tsc reported errors elsewhere in the tree; dist/xref was written)' : '');
  }

  let s = prog.step('cross-linker model');
  const xref = await import(pathToFileURL(join(root, 'dist', 'xref', 'model.js')).href);
  const match = await import(pathToFileURL(join(root, 'dist', 'xref', 'match.js')).href);
  const model = xref.toJson(await xref.buildModel());
  const ix = indexModel(model, { mirroredCFiles: match.mirroredCFiles });
  s.done(`${ix.cFns.length} C functions, ${ix.tsFns.length} TS functions`);

  if (root.startsWith(out) || out === dirname(out)) throw new Error(`refusing to clear ${out}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const work = join(root, 'node_modules', '.cache', 'mosquitto-ts-site');
  mkdirSync(work, { recursive: true });

  // TypeDoc runs alongside in its own process.
  const cmap = {};
  for (const t of ix.tsFns) {
    const p = t.pairing;
    if (p?.status === 'paired' && t.cPair) cmap[`${t.file}\u0000${t.name}`] = { label: `${t.cPair.file} ${t.cPair.name}`, href: t.cPair.href };
    else if (ix.macroOf(t)) {
      const m = ix.macroOf(t);
      cmap[`${t.file}\u0000${t.name}`] = { label: `${m.file} ${m.name}`, href: m.href };
    }
  }
  writeFileSync(join(work, 'cmap.json'), JSON.stringify(cmap));
  writeFileSync(join(work, 'entries.json'), JSON.stringify(ix.tsFiles.map((f) => f.file)));
  let api = null;
  if (!args.has('--no-api')) {
    const t0 = performance.now();
    api = new Promise((res) => {
      const child = spawn(process.execPath, [join(here, 'typedoc.mjs'), join(out, 'api'), join(work, 'entries.json'), join(work, 'cmap.json')], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('close', (code) => res({ code, text, ms: performance.now() - t0 }));
    });
  }

  s = prog.step('assets');
  for (const f of readdirSync(join(here, 'assets'))) copyFileSync(join(here, 'assets', f), join(out, 'assets', f));
  copyFileSync(join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'), join(out, 'assets', 'mermaid.min.js'));
  copyFileSync(join(root, 'node_modules', 'highlight.js', 'styles', 'github.css'), join(out, 'assets', 'hljs.css'));
  writeFileSync(join(out, 'assets', 'search-index.js'), `window.SEARCH_INDEX = ${JSON.stringify(searchIndex(ix))};\n`);
  s.done();

  const cTree = join(root, 'mosquitto-src', model.cTree);
  const cache = { c: new Map(), ts: new Map() };
  const lines = {
    c: (f) => {
      if (!cache.c.has(f)) cache.c.set(f, highlightLines(readFileSync(join(cTree, f), 'utf8'), 'c', ix.cNames));
      return cache.c.get(f);
    },
    ts: (f) => {
      if (!cache.ts.has(f)) cache.ts.set(f, highlightLines(readFileSync(join(root, f), 'utf8'), 'typescript', ix.tsNames));
      return cache.ts.get(f);
    },
  };
  let pages = 0;
  const emit = (path, html) => {
    writePage(out, path, html);
    pages++;
  };

  // Every .c and .h of the C tree gets a source page (the model's files and the rest: test/, examples/, ...).
  const cFiles = listFiles(cTree, '.', (n) => /\.[ch]$/.test(n));
  s = prog.step('C source pages', cFiles.length);
  for (const f of cFiles) {
    emit(href.c(f), cSourcePage(ix, f, lines));
    s.tick();
  }
  s.done();

  const tsFiles = listFiles(root, 'src', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'));
  s = prog.step('TS source pages', tsFiles.length);
  for (const f of tsFiles) {
    emit(href.ts(f), tsSourcePage(ix, f, lines));
    s.tick();
  }
  s.done();

  const sbs = ix.cFiles.filter((f) => ix.sbsFiles.has(f.file) && existsSync(join(cTree, f.file)));
  s = prog.step('side-by-side pages', sbs.length);
  for (const f of sbs) {
    emit(href.sbs(f.file), sbsPage(ix, f, lines));
    s.tick();
  }
  s.done();

  s = prog.step('notes');
  const notes = renderNotes(ix, { repoRoot: root, notesDir, tsFiles, cFiles });
  for (const n of notes.pages) emit(n.path, n.html);
  for (const f of notes.files) {
    mkdirSync(dirname(join(out, f.to)), { recursive: true });
    copyFileSync(f.from, join(out, f.to));
  }
  s.done(`${notes.count} notes, ${notes.pages.reduce((a, n) => a + n.diagrams, 0)} diagrams`);
  for (const w of notes.warnings) process.stderr.write(`    warning: ${w}\n`);

  s = prog.step('home, tables, search');
  emit('index.html', homePage(ix, { readingOrder: notes.readingOrder, notesCount: notes.count }));
  emit('options.html', optionsPage(ix));
  emit('sys.html', sysPage(ix));
  emit('search.html', searchPage());
  s.done();

  if (api) {
    s = prog.step('API (typedoc, in parallel)');
    const r = await api;
    if (r.code !== 0 || !existsSync(join(out, 'api', 'index.html'))) {
      process.stderr.write(r.text);
      throw new Error('typedoc failed');
    }
    s.done(`${r.text.trim().split('\n').pop()} (${(r.ms / 1000).toFixed(1)} s in its process)`);
  } else {
    emit('api/index.html', '<!doctype html><title>API</title><p>Built with --no-api. <a href="../index.html">Home</a></p>');
  }

  let broken = 0;
  if (!args.has('--no-check')) {
    s = prog.step('link check');
    const res = checkLinks(out);
    broken = res.broken.length;
    s.done(`${res.files} pages, ${res.links} internal links, ${broken} broken`);
    for (const b of res.broken.slice(0, 20)) process.stderr.write(`    broken: ${b.from} -> ${b.href} (${b.why})\n`);
  }

  process.stderr.write(`site: ${pages} pages (plus the API) in ${relative(process.cwd(), out) || '.'}; built in ${prog.elapsed().toFixed(1)} s\n`);
  if (broken) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`site: ${e.stack ?? e}\n`);
  process.exitCode = 1;
});
