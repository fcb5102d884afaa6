/**
 * The omissions data file (src/xref/omitted.json): the C functions the port leaves out on
 * purpose, each with a one-line reason. Shape: `{ "<C file>": { "<function>": "<reason>" } }`;
 * the function key `*` omits every function of that file not ported otherwise. Keys starting
 * with `$` are comments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Omissions = Map<string, Map<string, string>>;

export const OMISSIONS_FILE = 'src/xref/omitted.json';

export function parseOmissions(json: string): Omissions {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const out: Omissions = new Map();
  for (const [file, fns] of Object.entries(raw)) {
    if (file.startsWith('$')) continue;
    if (typeof fns !== 'object' || fns === null) throw new Error(`${OMISSIONS_FILE}: ${file} must map names to reasons`);
    const m = new Map<string, string>();
    for (const [name, reason] of Object.entries(fns)) {
      if (typeof reason !== 'string' || !reason.trim()) throw new Error(`${OMISSIONS_FILE}: ${file} ${name} needs a reason`);
      m.set(name, reason);
    }
    out.set(file, m);
  }
  return out;
}

export function loadOmissions(root: string): { omissions: Omissions; text: string } {
  const text = readFileSync(join(root, OMISSIONS_FILE), 'utf8');
  return { omissions: parseOmissions(text), text };
}

/** The reason a C function is omitted, or null. */
export function omissionReason(om: Omissions, file: string, name: string): string | null {
  const m = om.get(file);
  return m?.get(name) ?? m?.get('*') ?? null;
}
