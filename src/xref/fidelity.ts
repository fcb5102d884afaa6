/**
 * Fidelity of each C/TS pair: do both sides call the same functions? The C function's calls
 * are kept when the callee is itself in the C inventory (libc and macros drop out); callees the
 * port omits on purpose drop out too, and callees still missing from the port are listed apart
 * (the TS cannot call them yet). The TS function's calls are kept when the callee is a TS
 * function paired with a C function, and are compared under that C name.
 *
 * Two kinds of C-only calls are the JS runtime's doing and are listed apart (`runtime`), not
 * counted: calls that release memory (`*_free`, `*_free_all`: the garbage collector does it), and
 * `log__printf` when every log call of the C function is an out-of-memory message (a JS
 * allocation does not fail that way).
 *
 * A pair is 'same' when the remaining sets agree. Otherwise it is 'explained' when the TS
 * function carries `@adapted` and the note names every diverging callee, or no more callees
 * diverge than max(2, shared calls) (a one-line note accounts for a changed mechanism, not for a
 * rewritten function); else it is 'flagged'.
 */
import type { CStatus, Matching } from './match.js';
import type { CFunction, CLogFormat, TsFunction } from './types.js';

export type FidelityVerdict = 'same' | 'explained' | 'flagged';

export interface Fidelity {
  ts: TsFunction;
  c: CFunction;
  /** C names called by the C side only / by the TS side only. */
  onlyC: string[];
  onlyTs: string[];
  /** Calls on both sides. */
  shared: string[];
  /** C callees that are neither ported nor omitted. */
  unportedCallees: string[];
  /** C-only calls accounted for by the JS runtime (memory release, out-of-memory logging). */
  runtime: string[];
  verdict: FidelityVerdict;
}

/** How a C function name resolves for a caller in `file`: its own file's definition first. */
function resolver(statuses: CStatus[]): (name: string, file: string) => CStatus[] {
  const byName = new Map<string, CStatus[]>();
  for (const s of statuses) byName.set(s.fn.name, [...(byName.get(s.fn.name) ?? []), s]);
  return (name, file) => {
    const all = byName.get(name) ?? [];
    const local = all.filter((s) => s.fn.file === file);
    return local.length ? local : all;
  };
}

const FREES = /(^|_)free(_all)?$/;
const OOM = /out of memory/i;

/** Whether every log call inside a C function reports running out of memory. */
function oomOnly(logs: CLogFormat[]): (c: CFunction) => boolean {
  const byFn = new Map<string, CLogFormat[]>();
  for (const l of logs) if (l.function) byFn.set(`${l.file}\u0000${l.function}`, [...(byFn.get(`${l.file}\u0000${l.function}`) ?? []), l]);
  return (c) => {
    const mine = (byFn.get(`${c.file}\u0000${c.name}`) ?? []).filter((l) => l.line >= c.start && l.line <= c.end);
    return mine.length > 0 && mine.every((l) => OOM.test(l.format));
  };
}

export function fidelity(m: Matching, logs: CLogFormat[]): Fidelity[] {
  const resolve = resolver(m.c);
  const onlyOom = oomOnly(logs);
  /** TS name -> C name, for TS functions paired with a C function. */
  const tsToC = new Map<string, string>();
  for (const p of m.ts) if (p.status === 'paired' && p.cName) tsToC.set(p.ts.name, p.cName);
  const cByKey = new Map(m.c.map((s) => [`${s.fn.file}\u0000${s.fn.name}`, s.fn]));
  const out: Fidelity[] = [];
  for (const p of m.ts) {
    if (p.status !== 'paired' || !p.cFile || !p.cName) continue;
    const c = cByKey.get(`${p.cFile}\u0000${p.cName}`);
    if (!c) continue;
    const cSide = new Set<string>();
    const unported = new Set<string>();
    for (const callee of c.calls) {
      const targets = resolve(callee, c.file);
      if (!targets.length || callee === c.name) continue;
      if (targets.some((t) => t.status === 'ported')) cSide.add(callee);
      else if (targets.every((t) => t.status === 'missing')) unported.add(callee);
    }
    const tsSide = new Set<string>();
    for (const call of p.ts.calls) {
      const cName = tsToC.get(call.replace(/^\./, ''));
      if (cName && cName !== c.name) tsSide.add(cName);
    }
    const runtime = [...cSide].filter((n) => !tsSide.has(n) && (FREES.test(n) || (n === 'log__printf' && onlyOom(c))));
    const onlyC = [...cSide].filter((n) => !tsSide.has(n) && !runtime.includes(n));
    const onlyTs = [...tsSide].filter((n) => !cSide.has(n));
    const shared = [...cSide].filter((n) => tsSide.has(n));
    out.push({ ts: p.ts, c, onlyC, onlyTs, shared, unportedCallees: [...unported], runtime, verdict: verdict(p.ts, onlyC, onlyTs, shared) });
  }
  return out;
}

function verdict(ts: TsFunction, onlyC: string[], onlyTs: string[], shared: string[]): FidelityVerdict {
  const diverging = [...onlyC, ...onlyTs];
  if (!diverging.length) return 'same';
  const note = ts.tags.adapted;
  if (note === null) return 'flagged';
  const unexplained = diverging.filter((n) => !note.includes(n));
  return unexplained.length === 0 || diverging.length <= Math.max(2, shared.length) ? 'explained' : 'flagged';
}
