/**
 * Fidelity of each C/TS pair: do both sides call the same functions? The C function's calls
 * are kept when the callee is itself in the C inventory (libc and macros drop out); callees the
 * port omits on purpose drop out too, and callees still missing from the port are listed apart
 * (the TS cannot call them yet). The TS function's calls are kept when the callee is a TS
 * function paired with a C function, and are compared under that C name.
 *
 * A pair is 'same' when both sets agree. Otherwise it is 'explained' when the TS function
 * carries `@adapted` and the note names every diverging callee or at most half of the calls
 * diverge (a one-line note can account for a changed mechanism, not for a rewritten function);
 * else it is 'flagged'.
 */
import type { CStatus, Matching } from './match.js';
import type { CFunction, TsFunction } from './types.js';

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

export function fidelity(m: Matching): Fidelity[] {
  const resolve = resolver(m.c);
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
    const onlyC = [...cSide].filter((n) => !tsSide.has(n));
    const onlyTs = [...tsSide].filter((n) => !cSide.has(n));
    const shared = [...cSide].filter((n) => tsSide.has(n));
    out.push({ ts: p.ts, c, onlyC, onlyTs, shared, unportedCallees: [...unported], verdict: verdict(p.ts, onlyC, onlyTs, shared) });
  }
  return out;
}

function verdict(ts: TsFunction, onlyC: string[], onlyTs: string[], shared: string[]): FidelityVerdict {
  const diverging = [...onlyC, ...onlyTs];
  if (!diverging.length) return 'same';
  const note = ts.tags.adapted;
  if (note === null) return 'flagged';
  const unexplained = diverging.filter((n) => !note.includes(n));
  return unexplained.length === 0 || diverging.length <= shared.length ? 'explained' : 'flagged';
}
