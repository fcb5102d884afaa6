/**
 * The mosquitto-ts-xref command line: `summary`, `show NAME`, `missing [--module FILE]`,
 * `options`, `sys`, `unpaired`, `model [--out FILE]`. `--no-cache` reparses everything.
 */
import { writeFileSync } from 'node:fs';
import { buildModel, toJson } from './model.js';
import { cRoot, repoRoot } from './paths.js';
import { loadOptionTests } from './option_tests.js';
import { missingReport, optionsReport, summaryReport, sysReport, unpairedReport } from './report.js';
import { showReport } from './show.js';

const USAGE = `usage: mosquitto-ts-xref COMMAND [options]

commands:
  summary [--all]          per C file: functions ported / omitted / missing, and the fidelity of the pairs
  show NAME                a C function and its TS port side by side, with file:line
  missing [--module FILE]  C functions neither ported nor omitted (FILE: src/net.c, src/broker/net.ts or net)
  options                  the config options conf.c accepts, whether the port accepts each, where each
                           applies, and the test that shows the port honours it
  sys                      the $SYS topics the C publishes, and whether the port publishes each
  unpaired                 TS functions with neither a C pair nor @tsonly, and @c tags that point nowhere
  model [--out FILE]       the JSON model the site reads (stdout without --out)

options:
  --no-cache               reparse every file (the cache lives in node_modules/.cache/mosquitto-ts-xref)
  --time                   print the time taken on stderr`;

interface Args {
  command: string | null;
  rest: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--module' || a === '--out') flags.set(a, argv[++i] ?? '');
    else if (a.startsWith('--')) flags.set(a, true);
    else rest.push(a);
  }
  return { command: rest.shift() ?? null, rest, flags };
}

/** Runs the CLI; returns the exit status. Output goes to `out` (stdout by default). */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const t0 = process.hrtime.bigint();
  const { command, rest, flags } = parseArgs(argv);
  if (!command || flags.has('--help') || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const known = ['summary', 'show', 'missing', 'options', 'sys', 'unpaired', 'model'];
  if (!known.includes(command)) {
    out(`unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  if (command === 'show' && !rest[0]) {
    out('show needs a function name');
    return 2;
  }
  const m = await buildModel({ cache: !flags.has('--no-cache') });
  let status = 0;
  switch (command) {
    case 'summary':
      out(summaryReport(m, flags.has('--all')));
      break;
    case 'show': {
      const root = repoRoot();
      out(showReport(m, rest[0], { repo: root, cTree: cRoot(root) }, process.stdout.columns || Number(process.env.COLUMNS) || 200));
      break;
    }
    case 'missing': {
      const mod = flags.get('--module');
      out(missingReport(m, typeof mod === 'string' ? mod : null));
      break;
    }
    case 'options':
      out(optionsReport(m, loadOptionTests(repoRoot())));
      break;
    case 'sys':
      out(sysReport(m));
      break;
    case 'unpaired': {
      const text = unpairedReport(m);
      out(text);
      status = m.matching.ts.some((p) => p.status === 'unpaired' || p.status === 'bad-tag') ? 1 : 0;
      break;
    }
    case 'model': {
      const json = JSON.stringify(toJson(m), null, 1);
      const file = flags.get('--out');
      if (typeof file === 'string' && file) writeFileSync(file, `${json}\n`);
      else out(json);
      break;
    }
  }
  if (flags.has('--time')) process.stderr.write(`${command}: ${Number(process.hrtime.bigint() - t0) / 1e6} ms\n`);
  return status;
}
