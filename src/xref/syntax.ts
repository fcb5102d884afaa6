/** Small helpers over web-tree-sitter nodes shared by the C and TS inventories. */
import type { Node } from 'web-tree-sitter';

/** Named children without the nulls web-tree-sitter's typings allow. */
export function kids(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => n !== null);
}

/** Descendants of the given types, in document order. */
export function descendants(node: Node, types: string | string[]): Node[] {
  return node.descendantsOfType(types).filter((n): n is Node => n !== null);
}

/** 1-based line of a node's first character. */
export function line(node: Node): number {
  return node.startPosition.row + 1;
}

/** 1-based line of a node's last character. */
export function endLine(node: Node): number {
  return node.endPosition.row + 1;
}

/** Lines (1-based, sorted, unique) of ERROR and MISSING nodes. */
export function errorLines(root: Node): number[] {
  const rows = new Set<number>();
  const visit = (n: Node) => {
    if (n.isError || n.isMissing) rows.add(n.startPosition.row + 1);
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return [...rows].sort((a, b) => a - b);
}

/** One-line version of a piece of source (runs of whitespace become one space). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Text of a comment without its markers: `/** ... *\/`, `/* ... *\/` or `// ...`. */
export function commentText(raw: string): string {
  if (raw.startsWith('//')) return raw.replace(/^\/\/\s?/gm, '').trim();
  return raw
    .replace(/^\/\*+/, '')
    .replace(/\*+\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .join('\n')
    .trim();
}
