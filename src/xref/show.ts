/**
 * `show NAME`: the C function and its TS port side by side, each under its file:line, with the
 * pairing, tags and fidelity. Falls back to one column when only one side exists or the terminal
 * is narrow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fidelity } from './fidelity.js';
import type { Model } from './model.js';
import type { CFunction, TsFunction } from './types.js';

export interface ShowPaths {
  repo: string;
  cTree: string;
}

function sourceLines(path: string, start: number, end: number): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(start - 1, end).map((l) => l.replace(/\t/g, '    ').trimEnd());
}

function fit(s: string, w: number): string {
  return s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w);
}

function sideBySide(left: string[], right: string[], width: number): string {
  const col = Math.floor((width - 3) / 2);
  const n = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${fit(left[i] ?? '', col)} │ ${fit(right[i] ?? '', col)}`.trimEnd());
  return out.join('\n');
}

function cBlock(p: ShowPaths, fn: CFunction): string[] {
  const cond = fn.condition ? `  [${fn.condition}]` : '';
  return [`C  ${fn.file}:${fn.line}${cond}`, '', ...sourceLines(join(p.cTree, fn.file), fn.start, fn.end)];
}

function tsBlock(p: ShowPaths, fn: TsFunction): string[] {
  return [`TS ${fn.file}:${fn.line}`, '', ...sourceLines(join(p.repo, fn.file), fn.start, fn.end)];
}

function fidelityLine(f: Fidelity | undefined): string {
  if (!f) return '';
  const parts = [`fidelity: ${f.verdict}`, `shared calls ${f.shared.length}`];
  if (f.onlyC.length) parts.push(`only in C: ${f.onlyC.join(', ')}`);
  if (f.onlyTs.length) parts.push(`only in TS: ${f.onlyTs.join(', ')}`);
  if (f.runtime.length) parts.push(`left to the JS runtime: ${f.runtime.join(', ')}`);
  if (f.unportedCallees.length) parts.push(`C calls not ported yet: ${f.unportedCallees.join(', ')}`);
  return parts.join('; ');
}

export function showReport(m: Model, name: string, paths: ShowPaths, width: number): string {
  const cFns = m.matching.c.filter((s) => s.fn.name === name);
  const tsPairs = m.matching.ts.filter((p) => p.ts.name === name || p.cName === name);
  if (!cFns.length && !tsPairs.length) return `no C or TS function named ${name}`;
  const out: string[] = [];
  const shownTs = new Set<TsFunction>();
  for (const s of cFns) {
    const ts = s.ts[0] ?? null;
    const head = `${s.fn.name}: ${s.status}${s.reason ? ` (${s.reason})` : ''}` +
      (ts ? `, TS ${ts.file}:${ts.line}${ts.tags.adapted ? ` @adapted ${ts.tags.adapted}` : ''}` : '');
    out.push(head);
    const f = m.fidelity.find((x) => x.c === s.fn && (!ts || x.ts === ts));
    const fl = fidelityLine(f);
    if (fl) out.push(fl);
    out.push('');
    const left = cBlock(paths, s.fn);
    if (ts && width >= 100) out.push(sideBySide(left, tsBlock(paths, ts), width));
    else out.push([...left, '', ...(ts ? tsBlock(paths, ts) : [])].join('\n'));
    out.push('');
    for (const t of s.ts) shownTs.add(t);
  }
  for (const p of tsPairs.filter((x) => !shownTs.has(x.ts))) {
    const why = p.status === 'tsonly' ? `TS-only: ${p.ts.tags.tsonly}` : p.status === 'macro' ? `ports the C macro ${p.cFile} ${p.cName}` : p.status;
    out.push(`${p.ts.name}: ${why}`, '', tsBlock(paths, p.ts).join('\n'), '');
  }
  return out.join('\n').trimEnd();
}
