/** Plain-text reports over the model for the CLI: summary, missing, options, sys, unpaired. */
import { mirroredCFiles } from './match.js';
import type { Model } from './model.js';
import { OPTION_TESTS_FILE, type OptionTests } from './option_tests.js';

function table(rows: string[][], rightAlign: Set<number> = new Set()): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '-');

/** Per C file: functions, ported/omitted/missing, fidelity of the pairs; totals per folder. */
export function summaryReport(m: Model, all: boolean): string {
  const files = m.coverage.filter((c) => all || c.twins.length || c.ported);
  const head = ['C file', 'TS twin', 'fns', 'ported', 'omitted', 'missing', 'same', 'explained', 'flagged'];
  const rows = files.map((c) => [
    c.file, c.twins.join(' ') || '-', String(c.functions), String(c.ported), String(c.omitted), String(c.missing),
    String(c.same), String(c.explained), String(c.flagged),
  ]);
  const num = new Set([2, 3, 4, 5, 6, 7, 8]);
  const totals = new Map<string, number[]>();
  for (const c of m.coverage) {
    const dir = c.file.split('/')[0] + '/';
    const covered = c.twins.length > 0 ? 1 : 0;
    const t = totals.get(dir) ?? [0, 0, 0, 0, 0, 0, 0, 0, 0];
    [1, covered, c.functions, c.ported, c.omitted, c.missing, c.same, c.explained, c.flagged].forEach((v, i) => (t[i] += v));
    totals.set(dir, t);
  }
  const sum = [...totals.values()].reduce((a, t) => a.map((v, i) => v + t[i]), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const totalRows = [...totals.entries(), ['all', sum] as [string, number[]]].map(([dir, t]) => [
    dir, `${t[1]}/${t[0]} files`, ...t.slice(2).map(String),
  ]);
  const tsStatus = new Map<string, number>();
  for (const p of m.matching.ts) tsStatus.set(p.status, (tsStatus.get(p.status) ?? 0) + 1);
  const covered = m.coverage.filter((c) => c.twins.length);
  const cov = covered.reduce((a, c) => [a[0] + c.functions, a[1] + c.ported, a[2] + c.omitted], [0, 0, 0]);
  return [
    `C tree ${m.cTree} (${m.configuration})`,
    '',
    table([head, ...rows], num),
    all ? '' : `(${m.coverage.length - files.length} C files with neither a TS twin nor a ported function not shown; --all shows them)`,
    '',
    table([['folder', 'with twin', 'fns', 'ported', 'omitted', 'missing', 'same', 'explained', 'flagged'], ...totalRows], num),
    '',
    `files with a TS twin: ${cov[0]} C functions, ${cov[1]} ported, ${cov[2]} omitted, ` +
      `${cov[0] - cov[1] - cov[2]} missing (${pct(cov[1] + cov[2], cov[0])} accounted for)`,
    `TS functions: ${[...tsStatus.entries()].map(([k, v]) => `${v} ${k}`).join(', ')}`,
    m.matching.staleOmissions.length ? `stale omissions: ${m.matching.staleOmissions.map((s) => `${s.file} ${s.name} (${s.why})`).join(', ')}` : '',
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n').trimEnd();
}

/** The C file a --module argument names: a C path, a TS path of the port, or a bare stem. */
export function resolveModule(m: Model, arg: string): string[] {
  const cFiles = m.coverage.map((c) => c.file);
  if (cFiles.includes(arg)) return [arg];
  const mirrored = mirroredCFiles(arg).filter((f) => cFiles.includes(f));
  if (mirrored.length) return mirrored;
  const stem = arg.replace(/\.(c|ts)$/, '');
  return cFiles.filter((f) => f.replace(/\.c$/, '').endsWith(`/${stem}`));
}

export function missingReport(m: Model, module: string | null): string {
  const files = module === null ? null : new Set(resolveModule(m, module));
  if (files && !files.size) return `no C file matches ${module}`;
  const rows = m.matching.c
    .filter((s) => s.status === 'missing' && (!files || files.has(s.fn.file)))
    .map((s) => [`${s.fn.file}:${s.fn.line}`, s.fn.name, s.fn.condition ?? '']);
  if (!rows.length) return 'nothing missing';
  return `${table(rows)}\n${rows.length} missing`;
}

/**
 * The config options conf.c accepts, whether the port accepts each, where each applies and (for
 * the options of a plain TCP listener) the first test that shows the port honours it.
 */
export function optionsReport(m: Model, tests: Map<string, OptionTests> = new Map()): string {
  const rows = m.options.map((o) => {
    const t = tests.get(o.name);
    const more = t && t.tests.length > 1 ? ` (+${t.tests.length - 1})` : '';
    return [o.name, `src/conf.c:${o.line}`, o.accepted ? 'accepted' : 'NOT ACCEPTED', t?.scope ?? '?', t?.tests[0] ? `${t.tests[0]}${more}` : '-'];
  });
  const ok = m.options.filter((o) => o.accepted).length;
  const tcp = m.options.filter((o) => tests.get(o.name)?.scope === 'tcp');
  const tested = tcp.filter((o) => tests.get(o.name)!.tests.length).length;
  return `${table([['option', 'C', 'port (src/broker/conf.ts)', 'scope', `test (${OPTION_TESTS_FILE})`], ...rows])}\n`
    + `${ok}/${m.options.length} config options accepted by the port; ${tested}/${tcp.length} options of a plain TCP listener with a test`;
}

export function sysReport(m: Model): string {
  const rows = m.sys.map((s) => [s.value, `${s.file}:${s.line}`, s.function ?? '', s.ts.join(' ') || 'NOT PUBLISHED']);
  const fromSysTree = m.sys.filter((s) => s.file === 'src/sys_tree.c');
  const byTopic = (list: typeof m.sys) => new Set(list.map((s) => s.value));
  const published = (list: typeof m.sys) => new Set(list.filter((s) => s.ts.length).map((s) => s.value));
  return [
    table([['$SYS topic', 'C', 'C function', 'port'], ...rows]),
    `sys_tree.c: ${published(fromSysTree).size}/${byTopic(fromSysTree).size} topics published by the port; ` +
      `all C files: ${published(m.sys).size}/${byTopic(m.sys).size}`,
  ].join('\n');
}

/** TS functions of the port with neither a C pair nor `@tsonly`, and `@c` tags that point nowhere. */
export function unpairedReport(m: Model): string {
  const rows = m.matching.ts
    .filter((p) => p.status === 'unpaired' || p.status === 'bad-tag')
    .map((p) => [`${p.ts.file}:${p.ts.line}`, p.ts.name, p.status === 'bad-tag' ? `@c ${p.cFile} ${p.cName} does not exist` : 'no C pair, no @tsonly']);
  return rows.length ? `${table(rows)}\n${rows.length} TS functions to pair or mark` : 'every TS function is paired or marked @tsonly';
}
