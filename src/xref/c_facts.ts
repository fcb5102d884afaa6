/**
 * Facts read from the literals of a parsed C file: the format of each logging call, the `$SYS`
 * topics, and the option names the config parser compares its `token` with.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { descendants, kids, line } from './syntax.js';
import type { CFunction, CLiteral, CLogFormat } from './types.js';

/** Logging functions and the index of their level argument (the format follows it). */
const LOG_FUNCS: Record<string, number> = { log__printf: 1, mosquitto_log_printf: 0 };

/** `PRIu64` and friends as glibc/x86-64 spells them inside a format. */
function priMacro(name: string): string {
  const m = /^PRI([diouxX])(8|16|32|64|PTR|MAX)$/.exec(name);
  if (!m) return `{${name}}`;
  return (m[2] === '64' || m[2] === 'PTR' || m[2] === 'MAX' ? 'l' : '') + m[1];
}

/** The value of a string literal or of adjacent literals (C escapes kept as written). */
export function cString(node: Node): string | null {
  if (node.type === 'string_literal') return node.text.replace(/^[LuU8]*"/, '').replace(/"$/, '');
  if (node.type !== 'concatenated_string') return null;
  return kids(node)
    .map((k) => (k.type === 'string_literal' ? cString(k) ?? '' : k.type === 'identifier' ? priMacro(k.text) : ''))
    .join('');
}

/**
 * The config parser tests the first word of a line in one long `if / else if` chain; `token` is
 * also compared with option values (`out`, `in`, `both`) in short chains of their own. An option
 * name is a comparison in a chain of at least this many.
 */
const OPTION_CHAIN_MIN = 20;

/** Start of the `if / else if` chain whose condition holds a node (-1 outside any if). */
function chainHead(node: Node): number {
  let n: Node | null = node;
  while (n && n.type !== 'if_statement') n = n.parent;
  while (n?.parent?.type === 'else_clause' && n.parent.parent?.type === 'if_statement') n = n.parent.parent;
  return n ? n.startIndex : -1;
}

/** A `$SYS/` topic a broker publishes: no wildcard, no empty level (`connection//state` is a strlen). */
function isPublishedTopic(value: string): boolean {
  return value.startsWith('$SYS/') && !/[#+]/.test(value) && !value.includes('//');
}

function enclosing(functions: CFunction[], ln: number): string | null {
  return functions.find((f) => f.condition === null && f.start <= ln && ln <= f.end)?.name ?? null;
}

export function extractFacts(tree: Tree, file: string, functions: CFunction[]): {
  logs: CLogFormat[];
  sysTopics: CLiteral[];
  configOptions: CLiteral[];
} {
  const logs: CLogFormat[] = [];
  const configOptions: CLiteral[] = [];
  const root = tree.rootNode;
  const isConf = file === 'src/conf.c';
  const chains = new Map<number, CLiteral[]>();
  for (const call of descendants(root, 'call_expression')) {
    const fn = call.childForFieldName('function')?.text ?? '';
    const args = kids(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
    const levelIdx = LOG_FUNCS[fn];
    if (levelIdx !== undefined) {
      const format = args[levelIdx + 1] ? cString(args[levelIdx + 1]) : null;
      if (format !== null) {
        const ln = line(call);
        logs.push({ file, line: ln, function: enclosing(functions, ln), level: args[levelIdx]?.text ?? '', format });
      }
    } else if (isConf && /^str(case)?cmp$/.test(fn) && args[0]?.text === 'token' && args[1]) {
      const value = cString(args[1]);
      const ln = line(call);
      if (value !== null) {
        const head = chainHead(call);
        const lit = { file, line: ln, function: enclosing(functions, ln), value };
        chains.set(head, [...(chains.get(head) ?? []), lit]);
      }
    }
  }
  for (const lits of chains.values()) if (lits.length >= OPTION_CHAIN_MIN) configOptions.push(...lits);
  const sysTopics: CLiteral[] = [];
  for (const lit of descendants(root, ['string_literal'])) {
    const value = cString(lit);
    if (value === null || !isPublishedTopic(value)) continue;
    const ln = line(lit);
    sysTopics.push({ file, line: ln, function: enclosing(functions, ln), value });
  }
  return { logs, sysTopics, configOptions };
}
