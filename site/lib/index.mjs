// The cross-linker's model (dist/xref, JSON form of `xref model`) indexed for the pages: every C
// and TS function with its place on the site, callers on each side, and name resolution for
// links in code and notes.
import { anchorId, href } from './util.mjs';

const FN_KINDS = new Set(['function', 'method', 'arrow']);

const splitAt = (at) => {
  const i = at.lastIndexOf(':');
  return { file: at.slice(0, i), line: Number(at.slice(i + 1)) };
};

export function indexModel(model, { mirroredCFiles }) {
  const cFiles = model.c;
  const tsFiles = model.ts;
  const cFilePaths = new Set(cFiles.map((f) => f.file));
  const tsFilePaths = new Set(tsFiles.map((f) => f.file));
  /** C files with a side-by-side page: those with function definitions. */
  const sbsFiles = new Set(cFiles.filter((f) => f.functions.length).map((f) => f.file));

  const cFns = [];
  const cByAt = new Map();
  const cByName = new Map();
  for (const f of cFiles) {
    const used = new Set();
    for (const fn of f.functions) {
      let a = anchorId(fn.name);
      for (let k = 2; used.has(a); k++) a = `${anchorId(fn.name)}-${k}`;
      used.add(a);
      const rec = { ...fn, file: f.file, anchor: a, side: 'c' };
      rec.href = href.sbs(f.file, a);
      rec.src = href.c(f.file, fn.line);
      cFns.push(rec);
      cByAt.set(`${f.file}:${fn.line}`, rec);
      if (!cByName.has(fn.name)) cByName.set(fn.name, []);
      cByName.get(fn.name).push(rec);
    }
  }

  // TS file -> C files it mirrors (that have a side-by-side page).
  const twinsOfTs = new Map();
  for (const f of cFiles) for (const t of f.coverage?.twins ?? []) {
    if (!twinsOfTs.has(t)) twinsOfTs.set(t, []);
    twinsOfTs.get(t).push(f.file);
  }
  const cTwinOfTs = (tsFile) => {
    const withPage = twinsOfTs.get(tsFile);
    if (withPage?.length) return withPage[0];
    let mirrored;
    try {
      mirrored = mirroredCFiles(tsFile);
    } catch {
      mirrored = [];
    }
    return mirrored.find((c) => cFilePaths.has(c)) ?? null;
  };

  const tsFns = [];
  const tsByAt = new Map();
  const tsByName = new Map();
  const tsTypes = [];
  for (const f of tsFiles) {
    const used = new Set();
    for (const fn of f.functions) {
      const rec = { ...fn, file: f.file, side: 'ts' };
      rec.src = href.ts(f.file, fn.line);
      tsByAt.set(`${f.file}:${fn.line}`, rec);
      if (!FN_KINDS.has(fn.kind)) {
        rec.href = rec.src;
        tsTypes.push(rec);
        continue;
      }
      const qual = fn.owner ? `${fn.owner}.${fn.name}` : fn.name;
      let a = `ts-${anchorId(qual)}`;
      for (let k = 2; used.has(a); k++) a = `ts-${anchorId(qual)}-${k}`;
      used.add(a);
      rec.anchor = a;
      rec.qual = qual;
      const pc = fn.pairing?.status === 'paired' && fn.pairing.c ? cByAt.get(fn.pairing.c) : undefined;
      rec.cPair = pc ?? null;
      if (pc) rec.href = pc.href;
      else {
        const twin = cTwinOfTs(f.file);
        rec.twin = twin && sbsFiles.has(twin) ? twin : null;
        rec.href = rec.twin ? href.sbs(rec.twin, a) : rec.src;
      }
      tsFns.push(rec);
      if (!tsByName.has(fn.name)) tsByName.set(fn.name, []);
      tsByName.get(fn.name).push(rec);
    }
  }

  // C function -> its TS ports (records).
  for (const fn of cFns) fn.ports = (fn.ts ?? []).map((at) => tsByAt.get(at)).filter(Boolean);

  const fidelity = new Map(model.fidelity.map((x) => [`${x.c}|${x.ts}`, x]));
  const fidelityOf = (c, t) => fidelity.get(`${c.file}:${c.line}|${t.file}:${t.line}`) ?? null;

  const callersOf = (fns) => {
    const m = new Map();
    for (const fn of fns) for (const callee of new Set(fn.calls)) {
      if (!m.has(callee)) m.set(callee, []);
      m.get(callee).push(fn);
    }
    return m;
  };
  const cCallers = callersOf(cFns);
  const tsCallers = callersOf(tsFns);

  /** The C definition a call to `name` from `fromFile` reaches: same file first, then non-static. */
  const resolveC = (name, fromFile) => {
    const all = cByName.get(name);
    if (!all) return null;
    return all.find((f) => f.file === fromFile) ?? all.find((f) => !f.static && !f.condition) ?? all.find((f) => !f.static) ?? all[0];
  };
  const resolveTs = (name, fromFile) => {
    const all = tsByName.get(name);
    if (!all) return null;
    return all.find((f) => f.file === fromFile) ?? all.find((f) => f.exported) ?? all[0];
  };

  /** A C macro (or constant) by file and name, as { file, line, href } on the C source page. */
  const defines = new Map();
  for (const f of cFiles) for (const d of f.defines) {
    const key = `${f.file}\u0000${d.name}`;
    if (!defines.has(key)) defines.set(key, { ...d, file: f.file, href: href.c(f.file, d.line) });
  }
  const cDefine = (file, name) => defines.get(`${file}\u0000${name}`) ?? null;
  /** The C macro a TS function ports (pairing status 'macro'), or null. */
  const macroOf = (t) => (t.pairing?.status === 'macro' && t.pairing.cFile && t.pairing.cName ? cDefine(t.pairing.cFile, t.pairing.cName) : null);

  const cStructs = new Map();
  for (const f of cFiles) for (const s of f.structs) if (!cStructs.has(s.name)) cStructs.set(s.name, { ...s, file: f.file, href: href.c(f.file, s.line) });
  const tsTypeByName = new Map();
  for (const t of tsTypes) if (!tsTypeByName.has(t.name)) tsTypeByName.set(t.name, t);

  /** Known identifiers per language, for links in highlighted code. */
  const cNames = new Set([...cByName.keys(), ...cStructs.keys()]);
  const tsNames = new Set([...tsByName.keys(), ...tsTypeByName.keys()]);

  /** Where a name in C code (in `fromFile`) links to, as a site path, or null. */
  const cLink = (name, fromFile) => resolveC(name, fromFile)?.href ?? cStructs.get(name)?.href ?? null;
  const tsLink = (name, fromFile) => resolveTs(name, fromFile)?.href ?? tsTypeByName.get(name)?.href ?? null;

  return {
    model, cFiles, tsFiles, cFilePaths, tsFilePaths, sbsFiles, cFns, tsFns, tsTypes, cByAt, tsByAt, cByName, tsByName,
    cStructs, tsTypeByName, cNames, tsNames, cCallers, tsCallers, fidelityOf, resolveC, resolveTs, cLink, tsLink,
    cTwinOfTs, twinsOfTs, splitAt, cDefine, macroOf,
  };
}
