/**
 * The inventory of one C file: every function definition (also those in arms the build
 * configuration drops), the structs, the `#define`s, the log formats, `$SYS` topics and config
 * option names. The file is read once under the configuration; each dropped arm that sits
 * between functions (not inside a body) is read again with that arm forced on.
 */
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { macrosFor } from './c_config.js';
import { extractFacts } from './c_facts.js';
import {
  branchActive, configChoice, isIfZero, renderChoice, scanConditionals,
  type Choice, type CondBranch, type CondGroup, type CondStructure,
} from './c_preprocess.js';
import { commentText, descendants, endLine, errorLines, kids, line, oneLine } from './syntax.js';
import type { CDefine, CField, CFileInventory, CFunction, CStruct } from './types.js';

/** The identifier naming a function definition (through pointer and parenthesis declarators). */
function functionNameNode(def: Node): Node | null {
  let d = def.childForFieldName('declarator');
  while (d) {
    if (d.type === 'function_declarator') {
      const inner = d.childForFieldName('declarator');
      if (inner?.type === 'identifier') return inner;
      d = inner;
    } else if (d.type === 'identifier') {
      return null;
    } else {
      d = d.childForFieldName('declarator') ?? kids(d).find((k) => k.type.endsWith('declarator')) ?? null;
    }
  }
  return null;
}

/** Names called in a body: plain `name(...)` calls, in first-call order. */
function callsIn(body: Node): string[] {
  const seen = new Set<string>();
  for (const call of descendants(body, 'call_expression')) {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'identifier') seen.add(fn.text);
  }
  return [...seen];
}

/** The comment block ending on the line just above a node (contiguous comments joined). */
function leadingComment(node: Node): string | null {
  const parts: string[] = [];
  let expectRow = node.startPosition.row - 1;
  for (let p = node.previousNamedSibling; p && p.type === 'comment'; p = p.previousNamedSibling) {
    if (p.endPosition.row !== expectRow && p.endPosition.row !== expectRow + 1) break;
    parts.unshift(commentText(p.text));
    expectRow = p.startPosition.row - 1;
  }
  return parts.length ? parts.join('\n') : null;
}

/** Top-level function definitions of a parsed file; `plain` is the text before the rewrites. */
function topLevelFunctions(parsed: Parsed, file: string, condition: string | null): CFunction[] {
  const { tree, plain } = parsed;
  const out: CFunction[] = [];
  for (const def of kids(tree.rootNode)) {
    if (def.type !== 'function_definition') continue;
    const nameNode = functionNameNode(def);
    const body = def.childForFieldName('body');
    if (!nameNode || !body) continue;
    out.push({
      file,
      name: nameNode.text,
      line: line(nameNode),
      start: line(def),
      end: endLine(def),
      signature: oneLine(plain.slice(def.startIndex, body.startIndex)),
      comment: leadingComment(def),
      calls: callsIn(body),
      static: kids(def).some((k) => k.type === 'storage_class_specifier' && k.text === 'static'),
      condition,
    });
  }
  return out;
}

/** 0-based rows strictly inside function bodies (where an arm cannot hold a definition). */
function bodyRows(tree: Tree): (row: number) => boolean {
  const ranges: [number, number][] = [];
  for (const def of kids(tree.rootNode)) {
    const body = def.type === 'function_definition' ? def.childForFieldName('body') : null;
    if (body) ranges.push([body.startPosition.row, body.endPosition.row]);
  }
  return (row) => ranges.some(([a, b]) => row > a && row < b);
}

function describe(b: CondBranch): string {
  const first = b.group.branches[0];
  const head = `#${first.kind} ${first.expr}`;
  return b === first ? head : b.kind === 'else' ? `#else of ${head}` : `#elif ${b.expr} (of ${head})`;
}

interface Parsed {
  tree: Tree;
  plain: string;
}

/** Parses the text for a choice of arms. The caller deletes the tree. */
function parseChoice(parser: Parser, cs: CondStructure, choice: Choice): Parsed {
  const tree = parser.parse(renderChoice(cs, choice));
  if (!tree) throw new Error('tree-sitter returned no tree');
  return { tree, plain: renderChoice(cs, choice, false) };
}

/**
 * Functions in arms the configuration drops: for each such arm outside function bodies, the file
 * is parsed with the arm forced on, and the definitions named inside the arm are taken.
 */
function droppedArmFunctions(parser: Parser, file: string, cs: CondStructure, choice0: Choice, parsed0: Parsed): CFunction[] {
  const found: CFunction[] = [];
  const visit = (groups: CondGroup[], choice: Choice, inBody: (row: number) => boolean) => {
    for (const g of groups) {
      g.branches.forEach((b, idx) => {
        if (branchActive(b, choice)) {
          visit(b.groups, choice, inBody);
          return;
        }
        if (isIfZero(b) || inBody(b.directiveLine)) return;
        const forced: Choice = new Map(choice);
        forced.set(g, idx);
        const parsed = parseChoice(parser, cs, forced);
        try {
          for (const fn of topLevelFunctions(parsed, file, describe(b))) {
            if (fn.line - 1 >= b.bodyStart && fn.line - 1 < b.bodyEnd) found.push(fn);
          }
          visit(b.groups, forced, bodyRows(parsed.tree));
        } finally {
          parsed.tree.delete();
        }
      });
    }
  };
  visit(cs.groups, choice0, bodyRows(parsed0.tree));
  return found;
}

function fieldNames(decl: Node): string[] {
  return decl.childrenForFieldName('declarator').flatMap((d) => {
    if (!d) return [];
    if (d.type === 'field_identifier') return [d.text];
    const id = descendants(d, 'field_identifier')[0];
    return id ? [id.text] : [];
  });
}

function structs(tree: Tree, file: string): CStruct[] {
  const out: CStruct[] = [];
  for (const spec of descendants(tree.rootNode, 'struct_specifier')) {
    const body = spec.childForFieldName('body');
    if (!body) continue;
    let name = spec.childForFieldName('name')?.text ?? null;
    if (!name && spec.parent?.type === 'type_definition') {
      name = spec.parent.childForFieldName('declarator')?.text ?? null;
    }
    if (!name) continue;
    const fields: CField[] = [];
    for (const decl of kids(body)) {
      if (decl.type !== 'field_declaration') continue;
      const type = decl.childForFieldName('type');
      const typeText = type ? (type.childForFieldName('body') ? `${type.type.replace('_specifier', '')} {...}` : oneLine(type.text)) : '';
      for (const n of fieldNames(decl)) fields.push({ name: n, type: typeText, line: line(decl) });
    }
    out.push({ file, name, line: line(spec), fields });
  }
  return out;
}

function defines(tree: Tree, file: string): CDefine[] {
  return descendants(tree.rootNode, ['preproc_def', 'preproc_function_def']).flatMap((d) => {
    const name = d.childForFieldName('name');
    if (!name) return [];
    const params = d.childForFieldName('parameters');
    return [{
      file,
      name: name.text,
      line: line(d),
      params: params ? kids(params).map((p) => p.text) : null,
      value: oneLine(d.childForFieldName('value')?.text ?? ''),
    }];
  });
}

/** Reads one C file (path relative to the C tree root). Headers give structs and defines only. */
export function inventoryCFile(parser: Parser, file: string, text: string): CFileInventory {
  const cs = scanConditionals(text);
  const choice0 = configChoice(cs, macrosFor(file));
  const parsed0 = parseChoice(parser, cs, choice0);
  const tree0 = parsed0.tree;
  try {
    const isSource = file.endsWith('.c');
    const functions = isSource
      ? [...topLevelFunctions(parsed0, file, null), ...droppedArmFunctions(parser, file, cs, choice0, parsed0)]
      : [];
    functions.sort((a, b) => a.line - b.line);
    return {
      file,
      functions,
      structs: structs(tree0, file),
      defines: defines(tree0, file),
      ...extractFacts(tree0, file, functions),
      parseErrors: errorLines(tree0.rootNode),
    };
  } finally {
    tree0.delete();
  }
}
