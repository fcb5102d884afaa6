/**
 * The inventory of one TS file of the port, read as text with tree-sitter-typescript: its
 * functions, class methods, exported arrow functions, classes, interfaces and type aliases, each
 * with its doc comment's summary and tags (`@c`, `@adapted`, `@tsonly`) and the calls it makes.
 */
import type { Node, Parser } from 'web-tree-sitter';
import { commentText, descendants, endLine, errorLines, kids, line, oneLine } from './syntax.js';
import type { TsFileInventory, TsFunction, TsKind, TsTags } from './types.js';

/** Splits a doc comment into its summary (first paragraph's first line) and the three tags. */
export function parseDoc(raw: string | null): { summary: string | null; tags: TsTags } {
  const tags: TsTags = { c: null, adapted: null, tsonly: null };
  if (raw === null) return { summary: null, tags };
  const body: string[] = [];
  const parts: { tag: string; text: string[] }[] = [];
  for (const l of commentText(raw).split('\n')) {
    const m = /^\s*@(\w+)\s*(.*)$/.exec(l);
    if (m) parts.push({ tag: m[1], text: [m[2]] });
    else (parts.at(-1)?.text ?? body).push(l);
  }
  for (const { tag, text } of parts) {
    const value = oneLine(text.join(' '));
    if (tag === 'c') {
      const [path = '', name = ''] = value.split(/\s+/);
      tags.c = { path, name };
    } else if (tag === 'adapted') tags.adapted = value;
    else if (tag === 'tsonly') tags.tsonly = value;
  }
  const summary = oneLine(body.join('\n').split(/\n\s*\n/)[0]) || null;
  return { summary, tags };
}

/** The `/** ... *\/` comment right above a declaration (or above the export wrapping it). */
function docComment(decl: Node): string | null {
  const target = decl.parent?.type === 'export_statement' ? decl.parent : decl;
  const prev = target.previousNamedSibling;
  if (!prev || prev.type !== 'comment' || !prev.text.startsWith('/**')) return null;
  return prev.endPosition.row >= target.startPosition.row - 1 ? prev.text : null;
}

/** Names called inside a node: `f(...)` as `f`, `a.b.f(...)` as `.f`, `new C(...)` as `C`. */
function callsIn(node: Node): string[] {
  const seen = new Set<string>();
  for (const call of descendants(node, ['call_expression', 'new_expression'])) {
    const fn = call.childForFieldName(call.type === 'call_expression' ? 'function' : 'constructor');
    if (!fn) continue;
    if (fn.type === 'identifier') seen.add(fn.text);
    else if (fn.type === 'member_expression') {
      const prop = fn.childForFieldName('property');
      if (prop) seen.add(`.${prop.text}`);
    }
  }
  return [...seen];
}

function signatureOf(decl: Node, body: Node | null): string {
  const text = body ? decl.text.slice(0, body.startIndex - decl.startIndex) : decl.text.split('\n')[0];
  return oneLine(text.replace(/=>\s*$/, '=>'));
}

function entry(
  file: string, decl: Node, nameNode: Node, kind: TsKind, owner: string | null, body: Node | null, outer: Node,
): TsFunction {
  const { summary, tags } = parseDoc(docComment(outer));
  return {
    file,
    name: nameNode.text,
    kind,
    owner,
    line: line(nameNode),
    start: line(outer.parent?.type === 'export_statement' ? outer.parent : outer),
    end: endLine(decl),
    exported: outer.parent?.type === 'export_statement',
    signature: signatureOf(decl, body),
    summary,
    tags,
    calls: body ? callsIn(body) : [],
  };
}

function declarations(file: string, stmt: Node): TsFunction[] {
  const decl = stmt.type === 'export_statement' ? stmt.childForFieldName('declaration') : stmt;
  if (!decl) return [];
  const name = decl.childForFieldName('name');
  switch (decl.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
      return name ? [entry(file, decl, name, 'function', null, decl.childForFieldName('body'), decl)] : [];
    case 'class_declaration':
    case 'abstract_class_declaration':
      return name ? [entry(file, decl, name, 'class', null, null, decl), ...methods(file, decl, name.text)] : [];
    case 'interface_declaration':
      return name ? [entry(file, decl, name, 'interface', null, null, decl)] : [];
    case 'type_alias_declaration':
      return name ? [entry(file, decl, name, 'type', null, null, decl)] : [];
    case 'lexical_declaration':
      return stmt.type === 'export_statement' ? arrows(file, decl) : [];
    default:
      return [];
  }
}

function methods(file: string, cls: Node, owner: string): TsFunction[] {
  const body = cls.childForFieldName('body');
  if (!body) return [];
  return kids(body).flatMap((m) => {
    const name = m.childForFieldName('name');
    if (m.type !== 'method_definition' || !name) return [];
    return [entry(file, m, name, 'method', owner, m.childForFieldName('body'), m)];
  });
}

/** `export const f = (...) => ...` and `export const f = function ...`. */
function arrows(file: string, decl: Node): TsFunction[] {
  return kids(decl).flatMap((v) => {
    const value = v.childForFieldName('value');
    const name = v.childForFieldName('name');
    if (v.type !== 'variable_declarator' || !name || name.type !== 'identifier' || !value) return [];
    if (value.type !== 'arrow_function' && value.type !== 'function_expression') return [];
    const fn = entry(file, value, name, 'arrow', null, value.childForFieldName('body'), decl);
    return [{ ...fn, signature: oneLine(`const ${name.text} = ${signatureOf(value, value.childForFieldName('body'))}`) }];
  });
}

/** A string or template literal's value, with `${...}` written as `%s`. */
function literalValue(n: Node): string {
  if (n.type === 'string') return n.text.slice(1, -1);
  return kids(n).length
    ? n.text.slice(1, -1).replace(/\$\{[^}]*\}/g, '%s')
    : n.text.slice(1, -1);
}

/** Reads one TS file (path relative to the repository root). */
export function inventoryTsFile(parser: Parser, file: string, text: string): TsFileInventory {
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
  try {
    const root = tree.rootNode;
    const functions = kids(root).flatMap((stmt) => declarations(file, stmt));
    const configOptions: string[] = [];
    if (file === 'src/broker/conf.ts') {
      for (const bin of descendants(root, 'binary_expression')) {
        const [l, r] = [bin.childForFieldName('left'), bin.childForFieldName('right')];
        if (bin.childForFieldName('operator')?.text === '===' && l?.text === 'token' && r?.type === 'string') {
          configOptions.push(literalValue(r));
        }
      }
    }
    const sysTopics = descendants(root, ['string', 'template_string'])
      .map((n) => ({ line: line(n), value: literalValue(n) }))
      .filter((s) => s.value.startsWith('$SYS/'));
    return { file, functions, configOptions, sysTopics, parseErrors: errorLines(root) };
  } finally {
    tree.delete();
  }
}
