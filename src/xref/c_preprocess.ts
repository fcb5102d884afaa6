/**
 * Prepares a C file for tree-sitter-c without moving any line: conditional directives are
 * resolved for one configuration (inactive lines and the directive lines become empty lines) and
 * the uthash/utlist/cJSON loop macros (`HASH_ITER(hh, a, b, c){`) become `for` headers, and
 * export/calling-convention macros (`libmosq_EXPORT`, `WINAPI`) become spaces.
 * Plain tree-sitter-c cannot parse an `if` whose `{` sits in both arms of an `#ifdef`, nor a macro
 * call followed by a block; both leave ERROR nodes that swallow whole functions.
 */
import { evalCondition, type MacroTable } from './c_cond.js';

/** One arm of a conditional: `#if`, `#ifdef`, `#ifndef`, `#elif` or `#else`. */
export interface CondBranch {
  kind: string;
  expr: string;
  /** 0-based line of the directive. */
  directiveLine: number;
  /** First and one-past-last 0-based line of the arm's body. */
  bodyStart: number;
  bodyEnd: number;
  groups: CondGroup[];
  group: CondGroup;
}

/** An `#if ... #endif` block with its arms in order. */
export interface CondGroup {
  branches: CondBranch[];
  parent: CondBranch | null;
}

export interface CondStructure {
  lines: string[];
  groups: CondGroup[];
  /** Every branch, in file order. */
  branches: CondBranch[];
  /** Lines taken by conditional directives (with their continuation lines). */
  directiveLines: Set<number>;
}

/** Arm chosen per group (-1: none); groups absent from the map use the configuration. */
export type Choice = Map<CondGroup, number>;

const DIRECTIVE = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$/;

function stripComments(s: string): string {
  return s.replace(/\/\*.*?\*\//g, ' ').replace(/\/\*.*$/, ' ').replace(/\/\/.*$/, ' ').trim();
}

/** Finds the conditional blocks of a file. Throws on an unbalanced `#endif`. */
export function scanConditionals(text: string): CondStructure {
  const lines = text.split('\n');
  const roots: CondGroup[] = [];
  const branches: CondBranch[] = [];
  const directiveLines = new Set<number>();
  const stack: CondBranch[] = [];
  let inComment = false;
  const close = (b: CondBranch, line: number) => {
    b.bodyEnd = line;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = inComment ? null : DIRECTIVE.exec(line);
    inComment = commentStateAfter(line, inComment);
    if (!m) continue;
    let full = m[2];
    let last = i;
    while (/\\\s*$/.test(lines[last]) && last + 1 < lines.length) {
      full = full.replace(/\\\s*$/, ' ') + lines[++last];
    }
    for (let l = i; l <= last; l++) directiveLines.add(l);
    const kind = m[1];
    const expr = stripComments(full);
    if (kind === 'if' || kind === 'ifdef' || kind === 'ifndef') {
      const parent = stack.at(-1) ?? null;
      const group: CondGroup = { branches: [], parent };
      (parent ? parent.groups : roots).push(group);
      const b: CondBranch = { kind, expr, directiveLine: i, bodyStart: last + 1, bodyEnd: -1, groups: [], group };
      group.branches.push(b);
      branches.push(b);
      stack.push(b);
    } else {
      const open = stack.pop();
      if (!open) throw new Error(`line ${i + 1}: #${kind} without #if`);
      close(open, i);
      if (kind !== 'endif') {
        const b: CondBranch = {
          kind, expr, directiveLine: i, bodyStart: last + 1, bodyEnd: -1, groups: [], group: open.group,
        };
        open.group.branches.push(b);
        branches.push(b);
        stack.push(b);
      }
    }
    i = last;
  }
  if (stack.length) throw new Error(`#if at line ${stack[0].directiveLine + 1} is never closed`);
  return { lines, groups: roots, branches, directiveLines };
}

/** Whether a line ends inside a block comment (strings are not looked at). */
function commentStateAfter(line: string, inComment: boolean): boolean {
  let i = 0;
  let state = inComment;
  while (i < line.length) {
    if (state) {
      const end = line.indexOf('*/', i);
      if (end < 0) return true;
      state = false;
      i = end + 2;
    } else {
      const lc = line.indexOf('//', i);
      const bc = line.indexOf('/*', i);
      if (bc < 0 || (lc >= 0 && lc < bc)) return false;
      state = true;
      i = bc + 2;
    }
  }
  return state;
}

/** Value of one arm's condition (`#else` is always true). */
export function branchTrue(b: CondBranch, macros: MacroTable): boolean {
  switch (b.kind) {
    case 'ifdef': return macros.has(b.expr.split(/\s/)[0]);
    case 'ifndef': return !macros.has(b.expr.split(/\s/)[0]);
    case 'else': return true;
    default: return evalCondition(b.expr, macros) !== 0;
  }
}

/** Whether an arm is `#if 0` (ctags never reads those, nor do we). */
export function isIfZero(b: CondBranch): boolean {
  return (b.kind === 'if' || b.kind === 'elif') && /^0+$/.test(b.expr);
}

/** The arm the configuration takes in each group (-1 when none). */
export function configChoice(cs: CondStructure, macros: MacroTable): Choice {
  const choice: Choice = new Map();
  const visit = (groups: CondGroup[]) => {
    for (const g of groups) {
      const idx = g.branches.findIndex((b) => branchTrue(b, macros));
      choice.set(g, idx);
      for (const b of g.branches) visit(b.groups);
    }
  };
  visit(cs.groups);
  return choice;
}

/** Whether an arm is read under a choice (it and every enclosing arm chosen). */
export function branchActive(b: CondBranch, choice: Choice): boolean {
  for (let cur: CondBranch | null = b; cur; cur = cur.group.parent) {
    if (cur.group.branches[choice.get(cur.group) ?? -1] !== cur) return false;
  }
  return true;
}

/**
 * The file's text with inactive arms and all conditional directives blanked, lines kept; with
 * `rewrite` (the default) also the loop macros and decorations rewritten. Both forms have the same
 * length at every position, so a parsed range can be read back from the plain form.
 */
export function renderChoice(cs: CondStructure, choice: Choice, rewrite = true): string {
  const keep = new Uint8Array(cs.lines.length).fill(1);
  for (const l of cs.directiveLines) keep[l] = 0;
  const blank = (groups: CondGroup[]) => {
    for (const g of groups) {
      const chosen = choice.get(g) ?? -1;
      g.branches.forEach((b, i) => {
        if (i !== chosen) keep.fill(0, b.bodyStart, b.bodyEnd);
        else blank(b.groups);
      });
    }
  };
  blank(cs.groups);
  const text = cs.lines.map((l, i) => (keep[i] ? l : '')).join('\n');
  return rewrite ? blankDecorations(rewriteLoopMacros(text)) : text;
}

/** Export and calling-convention macros that stand between a return type and a function name. */
const DECORATIONS = /\b(libmosq_EXPORT|mosq_EXPORT|WINAPI)\b/g;

/** Replaces the decoration macros with spaces (tree-sitter-c reads them as a second type). */
export function blankDecorations(text: string): string {
  return text.replace(DECORATIONS, (m) => ' '.repeat(m.length));
}

const LOOP_MACRO = /\b(HASH_ITER|[A-Z][A-Z0-9]*_FOREACH\w*|cJSON_ArrayForEach)\s*\(/g;

/**
 * Turns each loop-macro header into a `for` header of the same length whose init clause is the
 * macro's arguments (`HASH_ITER(hh, a, b, c)` -> `for    (hh, a, b, c;;)`), so the block that
 * follows parses as the loop's body and calls in the arguments are still seen.
 */
export function rewriteLoopMacros(text: string): string {
  let out = '';
  let last = 0;
  LOOP_MACRO.lastIndex = 0;
  for (let m = LOOP_MACRO.exec(text); m; m = LOOP_MACRO.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchParen(text, open);
    if (close < 0) continue;
    const args = text.slice(open + 1, close);
    out += text.slice(last, m.index) + 'for' + ' '.repeat(m[0].length - 6) + '(' + args + ';;)';
    last = close + 1;
    LOOP_MACRO.lastIndex = close + 1;
  }
  return out + text.slice(last);
}

function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}
