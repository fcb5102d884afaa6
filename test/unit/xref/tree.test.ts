/*
 * Structural truths on the real trees: the C inventory is exactly ctags' function list on every
 * C file of src/, lib/, apps/, client/ and plugins/; every @c tag of the port names a C function
 * (or function-like macro) that exists; every TS function in src/broker and src/lib has a C pair
 * or a @tsonly mark; the omissions data file names only functions that exist and are not ported.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readC } from '../../../src/xref/inventories.js';
import { buildModel, type Model } from '../../../src/xref/model.js';
import { C_DIRS, cRoot, repoRoot } from '../../../src/xref/paths.js';
import type { CFileInventory } from '../../../src/xref/types.js';

const root = repoRoot();
const cTree = cRoot(root);

/** TS functions known to lack a pair or mark when this list was written; it may only shrink. */
const KNOWN_UNPAIRED = new Set(
  readFileSync(join(root, 'test/unit/xref/unpaired-known.txt'), 'utf8')
    .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
);

describe('C inventory against Universal Ctags', () => {
  let inventory: CFileInventory[];
  let ctags: Map<string, string[]>;

  beforeAll(async () => {
    inventory = (await readC(root, cTree, { cache: false, progress: false })).filter((f) => f.file.endsWith('.c'));
    const out = execFileSync('ctags', ['-x', '--c-kinds=f', '--language-force=C', ...inventory.map((f) => f.file)], {
      cwd: cTree, encoding: 'utf8', maxBuffer: 64 << 20,
    });
    ctags = new Map(inventory.map((f) => [f.file, []]));
    for (const l of out.split('\n').filter(Boolean)) {
      const m = /^(\S+)\s+function\s+(\d+)\s+(\S+)/.exec(l);
      if (!m) throw new Error(`unreadable ctags line: ${l}`);
      ctags.get(m[3])?.push(`${m[2]} ${m[1]}`);
    }
  });

  it('finds the same functions, at the same lines, in every file', () => {
    const diffs: string[] = [];
    const counts = new Map<string, [number, number, number]>();
    for (const f of inventory) {
      const ours = f.functions.map((fn) => `${fn.line} ${fn.name}`).sort();
      const theirs = [...(ctags.get(f.file) ?? [])].sort();
      for (const x of theirs) if (!ours.includes(x)) diffs.push(`${f.file}: missed ${x}`);
      for (const x of ours) if (!theirs.includes(x)) diffs.push(`${f.file}: invented ${x}`);
      const dir = f.file.split('/')[0];
      const c = counts.get(dir) ?? [0, 0, 0];
      counts.set(dir, [c[0] + 1, c[1] + ours.length, c[2] + theirs.length]);
    }
    const lines = C_DIRS.map((d) => {
      const [files, ours, theirs] = counts.get(d) ?? [0, 0, 0];
      return `${`${d}/`.padEnd(9)} ${String(files).padStart(3)} files  ${String(ours).padStart(4)} functions (ctags ${theirs})`;
    });
    const total = [...counts.values()].reduce((a, c) => [a[0] + c[0], a[1] + c[1], a[2] + c[2]], [0, 0, 0]);
    console.log(`C inventory vs ctags:\n${lines.join('\n')}\nall       ${total[0]} files  ${total[1]} functions (ctags ${total[2]})`);
    expect(diffs).toEqual([]);
    expect(total[1]).toBe(total[2]);
    expect(total[1]).toBeGreaterThan(800);
  });

  it('leaves no tree-sitter ERROR node after preprocessing', () => {
    expect(inventory.filter((f) => f.parseErrors.length).map((f) => `${f.file}: ${f.parseErrors.join(',')}`)).toEqual([]);
  });
});

describe('the port against the C inventory', () => {
  let m: Model;
  beforeAll(async () => {
    m = await buildModel({ progress: false });
  });

  it('has every @c tag name a C function or function-like macro that exists', () => {
    const bad = m.matching.ts.filter((p) => p.status === 'bad-tag')
      .map((p) => `${p.ts.file}:${p.ts.line} ${p.ts.name}: @c ${p.cFile} ${p.cName}`);
    expect(bad).toEqual([]);
  });

  it('has a C pair or a @tsonly mark for every TS function in src/broker and src/lib', () => {
    const unpaired = m.matching.ts
      .filter((p) => p.status === 'unpaired' && /^src\/(broker|lib)\//.test(p.ts.file))
      .map((p) => `${p.ts.file} ${p.ts.name}`);
    if (unpaired.length) console.log(`TS functions with neither a C pair nor @tsonly:\n  ${unpaired.join('\n  ')}`);
    const fresh = unpaired.filter((u) => !KNOWN_UNPAIRED.has(u));
    const fixed = [...KNOWN_UNPAIRED].filter((u) => !unpaired.includes(u));
    expect(fresh, 'new TS functions without a C pair or @tsonly (add @c/@tsonly, or rename to the C name)').toEqual([]);
    expect(fixed, 'paired or marked now: remove them from test/unit/xref/unpaired-known.txt').toEqual([]);
  });

  it('lists in the omissions file only C functions that exist and are not ported', () => {
    expect(m.matching.staleOmissions).toEqual([]);
  });

  it('gives every C function exactly one status', () => {
    const n = m.c.reduce((a, f) => a + f.functions.length, 0);
    const by = (s: string) => m.matching.c.filter((x) => x.status === s).length;
    expect(by('ported') + by('omitted') + by('missing')).toBe(n);
    const covered = m.coverage.filter((c) => c.twins.length);
    const fns = covered.reduce((a, c) => a + c.functions, 0);
    const done = covered.reduce((a, c) => a + c.ported + c.omitted, 0);
    console.log(`C files with a TS twin: ${covered.length}, functions ${fns}, ported or omitted ${done}, missing ${fns - done}`);
  });
});
