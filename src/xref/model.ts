/**
 * The cross-linker's model: both inventories joined by the matching, with fidelity, per-file
 * coverage, config options and `$SYS` topics. `buildModel` makes it; `toJson` gives the form the
 * site reads.
 */
import { basename } from 'node:path';
import { CONFIG_DESCRIPTION } from './c_config.js';
import { fidelity, type Fidelity } from './fidelity.js';
import { readC, readTs, type ReadOptions } from './inventories.js';
import { match, mirroredCFiles, type Matching } from './match.js';
import { loadOmissions } from './omissions.js';
import { cRoot, repoRoot } from './paths.js';
import type { CDefine, CFileInventory, CLiteral, CLogFormat, CStruct, TsFileInventory } from './types.js';

export interface FileCoverage {
  file: string;
  /** TS files that mirror this C file. */
  twins: string[];
  functions: number;
  ported: number;
  omitted: number;
  missing: number;
  same: number;
  explained: number;
  flagged: number;
}

export interface OptionRow {
  name: string;
  line: number;
  /** Whether conf.ts compares `token` with this name. */
  accepted: boolean;
}

export interface SysRow extends CLiteral {
  /** TS files:lines with the same topic (C `%s`/`%d` and TS `${}` both read as a wildcard). */
  ts: string[];
}

export interface Model {
  cTree: string;
  configuration: string;
  c: CFileInventory[];
  ts: TsFileInventory[];
  matching: Matching;
  fidelity: Fidelity[];
  coverage: FileCoverage[];
  options: OptionRow[];
  sys: SysRow[];
  structs: CStruct[];
  defines: CDefine[];
  logs: CLogFormat[];
}

/** Topic with printf conversions and template holes as `*`, for comparing C with TS. */
function topicPattern(t: string): string {
  return t.replace(/%[-0-9.]*l*[a-z]/g, '*').replace(/%s/g, '*');
}

function coverage(c: CFileInventory[], ts: TsFileInventory[], m: Matching, fid: Fidelity[]): FileCoverage[] {
  const twins = new Map<string, string[]>();
  for (const t of ts) for (const f of mirroredCFiles(t.file)) twins.set(f, [...(twins.get(f) ?? []), t.file]);
  return c.filter((f) => f.functions.length).map((f) => {
    const st = m.c.filter((s) => s.fn.file === f.file);
    const fd = fid.filter((x) => x.c.file === f.file);
    return {
      file: f.file,
      twins: twins.get(f.file) ?? [],
      functions: st.length,
      ported: st.filter((s) => s.status === 'ported').length,
      omitted: st.filter((s) => s.status === 'omitted').length,
      missing: st.filter((s) => s.status === 'missing').length,
      same: fd.filter((x) => x.verdict === 'same').length,
      explained: fd.filter((x) => x.verdict === 'explained').length,
      flagged: fd.filter((x) => x.verdict === 'flagged').length,
    };
  });
}

export async function buildModel(opts: ReadOptions = {}): Promise<Model> {
  const root = repoRoot();
  const cTree = cRoot(root);
  const [c, ts] = [await readC(root, cTree, opts), await readTs(root, opts)];
  const { omissions } = loadOmissions(root);
  const defines = c.flatMap((f) => f.defines);
  const matching = match(c.flatMap((f) => f.functions), defines, ts.flatMap((f) => f.functions), omissions);
  const logs = c.flatMap((f) => f.logs);
  const fid = fidelity(matching, logs);
  const accepted = new Set(ts.flatMap((f) => f.configOptions));
  const seen = new Set<string>();
  const options = c.flatMap((f) => f.configOptions).filter((o) => !seen.has(o.value) && seen.add(o.value))
    .map((o) => ({ name: o.value, line: o.line, accepted: accepted.has(o.value) }));
  const tsTopics = ts.flatMap((f) => f.sysTopics.map((s) => ({ ...s, file: f.file })));
  const sys = c.filter((f) => f.file.startsWith('src/')).flatMap((f) => f.sysTopics).map((s) => ({
    ...s,
    ts: tsTopics.filter((t) => topicPattern(t.value) === topicPattern(s.value)).map((t) => `${t.file}:${t.line}`),
  }));
  return {
    cTree: basename(cTree),
    configuration: CONFIG_DESCRIPTION,
    c,
    ts,
    matching,
    fidelity: fid,
    coverage: coverage(c, ts, matching, fid),
    options,
    sys,
    structs: c.flatMap((f) => f.structs),
    defines,
    logs,
  };
}

const at = (f: { file: string; line: number }) => `${f.file}:${f.line}`;

/**
 * The JSON the site reads. Functions are referred to across sides as `file:line` of their name;
 * C paths are relative to the C tree, TS paths to the repository.
 */
export function toJson(m: Model): unknown {
  const status = new Map(m.matching.c.map((s) => [s.fn, s]));
  const pairing = new Map(m.matching.ts.map((p) => [p.ts, p]));
  const cByKey = new Map(m.matching.c.map((s) => [`${s.fn.file}\u0000${s.fn.name}`, s.fn]));
  const cov = new Map(m.coverage.map((c) => [c.file, c]));
  return {
    version: 1,
    cTree: m.cTree,
    configuration: m.configuration,
    c: m.c.map((f) => ({
      file: f.file,
      coverage: cov.get(f.file) ?? null,
      functions: f.functions.map((fn) => {
        const s = status.get(fn);
        return { ...fn, file: undefined, status: s?.status, reason: s?.reason, ts: s?.ts.map(at) ?? [] };
      }),
      structs: f.structs.map((s) => ({ ...s, file: undefined })),
      defines: f.defines.map((d) => ({ ...d, file: undefined })),
      logs: f.logs.map((l) => ({ ...l, file: undefined })),
    })),
    ts: m.ts.map((f) => ({
      file: f.file,
      functions: f.functions.map((fn) => {
        const p = pairing.get(fn);
        const c = p?.cFile && p.cName ? cByKey.get(`${p.cFile}\u0000${p.cName}`) : undefined;
        return {
          ...fn,
          file: undefined,
          pairing: p ? { status: p.status, via: p.via, cFile: p.cFile, cName: p.cName, c: c ? at(c) : null } : null,
        };
      }),
    })),
    fidelity: m.fidelity.map((x) => ({
      name: x.c.name, c: at(x.c), ts: at(x.ts), verdict: x.verdict,
      shared: x.shared, onlyC: x.onlyC, onlyTs: x.onlyTs, unportedCallees: x.unportedCallees, runtime: x.runtime,
    })),
    structs: m.structs.map((st) => {
      const ts = m.ts.flatMap((f) => f.functions).find((t) => (t.kind === 'interface' || t.kind === 'class') && t.name === st.name);
      return { name: st.name, c: at(st), fields: st.fields.length, ts: ts ? at(ts) : null };
    }),
    options: m.options,
    sys: m.sys,
    unpaired: m.matching.ts.filter((p) => p.status === 'unpaired').map((p) => at(p.ts)),
    badTags: m.matching.ts.filter((p) => p.status === 'bad-tag').map((p) => ({ ts: at(p.ts), cFile: p.cFile, cName: p.cName })),
    staleOmissions: m.matching.staleOmissions,
  };
}
