/**
 * The option tests data file (src/xref/option_tests.json): for every config option conf.c
 * accepts, where it applies and, for the options of a plain TCP listener, the tests that show
 * the port honours it. Shape: `{ "<option>": { "scope": "tcp" | "tls" | "websockets" | "bridge",
 * "tests": ["<test>", ...], "note": "..." } }`; keys starting with `$` are comments.
 *
 * A test is named either `conformance <script>` (a script of mosquitto's test/broker/test.py) or
 * `<test file> > <describe title> > ... > <test title>` (a vitest test under test/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const OPTION_TESTS_FILE = 'src/xref/option_tests.json';

export const SCOPES = ['tcp', 'tls', 'websockets', 'bridge'] as const;
export type Scope = (typeof SCOPES)[number];

export interface OptionTests {
  scope: Scope;
  tests: string[];
  note?: string;
}

export function parseOptionTests(json: string): Map<string, OptionTests> {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const out = new Map<string, OptionTests>();
  for (const [name, v] of Object.entries(raw)) {
    if (name.startsWith('$')) continue;
    const e = v as Partial<OptionTests>;
    if (!e || !SCOPES.includes(e.scope as Scope)) throw new Error(`${OPTION_TESTS_FILE}: ${name} needs a scope (${SCOPES.join(', ')})`);
    out.set(name, { scope: e.scope as Scope, tests: Array.isArray(e.tests) ? e.tests.map(String) : [], note: e.note });
  }
  return out;
}

export function loadOptionTests(root: string): Map<string, OptionTests> {
  return parseOptionTests(readFileSync(join(root, OPTION_TESTS_FILE), 'utf8'));
}

/** The titles of describe/it/test calls in a test file, as written (string escapes undone). */
function testTitles(text: string): Set<string> {
  const titles = new Set<string>();
  const re = /\b(?:describe|it|test)(?:\.\w+(?:\((?:[^()]|\([^()]*\))*\))?)*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const m of text.matchAll(re)) titles.add(m[2].replace(/\\(.)/g, '$1'));
  return titles;
}

/** The script names listed (not commented out) in mosquitto's test/broker/test.py. */
function conformanceScripts(cTree: string): Set<string> {
  const text = readFileSync(join(cTree, 'test', 'broker', 'test.py'), 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^\s*\(\s*\d+\s*,\s*'\.\/([\w.-]+)\.py'\s*\)/gm)) names.add(m[1]);
  return names;
}

/** Why a named test does not exist, or null when it does. */
export function missingTest(root: string, cTree: string, test: string): string | null {
  const conf = /^conformance (\S+)$/.exec(test);
  if (conf) {
    if (!conformanceScripts(cTree).has(conf[1])) return `no script ${conf[1]} in test/broker/test.py`;
    if (!existsSync(join(cTree, 'test', 'broker', `${conf[1]}.py`))) return `${conf[1]}.py is missing from the C tree`;
    return null;
  }
  const [file, ...titles] = test.split(' > ');
  if (!file.startsWith('test/') || !titles.length) return `not "conformance <script>" nor "<file> > <title>": ${test}`;
  if (!existsSync(join(root, file))) return `no file ${file}`;
  const have = testTitles(readFileSync(join(root, file), 'utf8'));
  const absent = titles.filter((t) => !have.has(t));
  return absent.length ? `${file} has no test titled ${absent.map((t) => JSON.stringify(t)).join(', ')}` : null;
}

/**
 * Problems with the data file against the options conf.c accepts: options missing from it or
 * unknown to conf.c, options of a plain TCP listener without a test, named tests that do not exist.
 */
export function checkOptionTests(root: string, cTree: string, options: string[], data: Map<string, OptionTests>): string[] {
  const problems: string[] = [];
  for (const o of options) if (!data.has(o)) problems.push(`${o}: not in ${OPTION_TESTS_FILE}`);
  for (const [name, e] of data) {
    if (!options.includes(name)) problems.push(`${name}: not an option of conf.c`);
    if (e.scope === 'tcp' && !e.tests.length) problems.push(`${name}: applies to a plain TCP listener but names no test`);
    for (const t of e.tests) {
      const why = missingTest(root, cTree, t);
      if (why) problems.push(`${name}: ${why}`);
    }
  }
  return problems;
}
