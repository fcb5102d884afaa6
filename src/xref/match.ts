/**
 * Pairs the port's functions with their C originals. For each TS function, in order: its
 * explicit `@c <path> <name>` tag; else the same name in the mirrored C file
 * (src/broker/X.ts <-> src/X.c, src/lib/X.ts <-> lib/X.c, src/apps/A/X.ts <-> apps/A/X.c, ...);
 * else the one C function of that name elsewhere, when exactly one C file defines it.
 * A TS function without a pair is TS-only when it carries `@tsonly`, unpaired otherwise.
 * A C function is ported (some TS function pairs with it), omitted (listed with a reason in the
 * omissions file), or missing. Several definitions of one name in one C file (platform variants
 * in `#if` arms) are one function for pairing: the TS function ports them all.
 */
import { omissionReason, type Omissions } from './omissions.js';
import type { CDefine, CFunction, TsFunction } from './types.js';

export type PairVia = 'tag' | 'mirror' | 'unique';

export interface TsPairing {
  ts: TsFunction;
  /** 'paired' with a C function, 'macro' when the tag names a C function-like macro. */
  status: 'paired' | 'macro' | 'tsonly' | 'unpaired' | 'bad-tag';
  via: PairVia | null;
  cFile: string | null;
  cName: string | null;
}

export interface CStatus {
  fn: CFunction;
  status: 'ported' | 'omitted' | 'missing';
  reason: string | null;
  /** TS functions paired with it, as `file:line name`. */
  ts: TsFunction[];
}

export interface Matching {
  ts: TsPairing[];
  c: CStatus[];
  /** Omissions naming a C function that is ported, or that does not exist. */
  staleOmissions: { file: string; name: string; why: 'ported' | 'no such function' }[];
}

/** The C file a port file mirrors, as candidates in order (`.c` first, then the header). */
export function mirroredCFiles(tsFile: string): string[] {
  const rules: [RegExp, string][] = [
    [/^src\/broker\/(.+)\.ts$/, 'src/$1'],
    [/^src\/lib\/(.+)\.ts$/, 'lib/$1'],
    [/^src\/apps\/(.+)\.ts$/, 'apps/$1'],
    [/^src\/plugins\/(.+)\.ts$/, 'plugins/$1'],
    [/^src\/include\/(.+)\.ts$/, 'include/$1'],
    [/^src\/deps\/(.+)\.ts$/, 'deps/$1'],
  ];
  for (const [re, to] of rules) {
    if (re.test(tsFile)) {
      const stem = tsFile.replace(re, to);
      return [`${stem}.c`, `${stem}.h`];
    }
  }
  return [];
}

const key = (file: string, name: string) => `${file}\u0000${name}`;

/** Whether a TS declaration is something that should pair (functions, not types). */
export function isCallable(t: TsFunction): boolean {
  return t.kind === 'function' || t.kind === 'method' || t.kind === 'arrow';
}

export function match(cFunctions: CFunction[], macros: CDefine[], tsFunctions: TsFunction[], om: Omissions): Matching {
  const byFileName = new Map<string, CFunction[]>();
  const filesByName = new Map<string, Set<string>>();
  for (const fn of cFunctions) {
    const k = key(fn.file, fn.name);
    byFileName.set(k, [...(byFileName.get(k) ?? []), fn]);
    filesByName.set(fn.name, (filesByName.get(fn.name) ?? new Set()).add(fn.file));
  }
  const macroKeys = new Set(macros.filter((m) => m.params !== null).map((m) => key(m.file, m.name)));
  const portedBy = new Map<string, TsFunction[]>();
  const pairings: TsPairing[] = [];
  for (const ts of tsFunctions.filter(isCallable)) {
    const p: TsPairing = { ts, status: 'unpaired', via: null, cFile: null, cName: null };
    const tag = ts.tags.c;
    if (tag) {
      p.via = 'tag';
      p.cFile = tag.path;
      p.cName = tag.name;
      p.status = byFileName.has(key(tag.path, tag.name)) ? 'paired' : macroKeys.has(key(tag.path, tag.name)) ? 'macro' : 'bad-tag';
    } else {
      const mirror = mirroredCFiles(ts.file).find((f) => byFileName.has(key(f, ts.name)));
      const files = filesByName.get(ts.name);
      if (mirror) Object.assign(p, { status: 'paired', via: 'mirror', cFile: mirror, cName: ts.name });
      else if (files?.size === 1) Object.assign(p, { status: 'paired', via: 'unique', cFile: [...files][0], cName: ts.name });
      else if (ts.tags.tsonly !== null) p.status = 'tsonly';
    }
    if (p.status === 'paired' && p.cFile && p.cName) {
      const k = key(p.cFile, p.cName);
      portedBy.set(k, [...(portedBy.get(k) ?? []), ts]);
    }
    pairings.push(p);
  }
  const c: CStatus[] = cFunctions.map((fn) => {
    const ts = portedBy.get(key(fn.file, fn.name)) ?? [];
    const reason = omissionReason(om, fn.file, fn.name);
    if (ts.length) return { fn, status: 'ported', reason: null, ts };
    return { fn, status: reason === null ? 'missing' : 'omitted', reason, ts };
  });
  const staleOmissions: Matching['staleOmissions'] = [];
  for (const [file, names] of om) {
    for (const name of names.keys()) {
      if (name === '*') continue;
      if (!byFileName.has(key(file, name))) staleOmissions.push({ file, name, why: 'no such function' });
      else if (portedBy.has(key(file, name))) staleOmissions.push({ file, name, why: 'ported' });
    }
  }
  return { ts: pairings, c, staleOmissions };
}
