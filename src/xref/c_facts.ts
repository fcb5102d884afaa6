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
      if (value !== null) configOptions.push({ file, line: ln, function: enclosing(functions, ln), value });
    }
  }
  const sysTopics: CLiteral[] = [];
  for (const lit of descendants(root, ['string_literal'])) {
    const value = cString(lit);
    if (value === null || !value.startsWith('$SYS/')) continue;
    const ln = line(lit);
    sysTopics.push({ file, line: ln, function: enclosing(functions, ln), value });
  }
  return { logs, sysTopics, configOptions };
}
