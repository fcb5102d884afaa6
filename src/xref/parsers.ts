/**
 * Loads web-tree-sitter and the C and TypeScript grammars shipped as `.wasm` files by the npm
 * packages tree-sitter-c and tree-sitter-typescript (no native build). Loaded once per process.
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

export interface Parsers {
  c: Parser;
  ts: Parser;
}

let loading: Promise<Parsers> | null = null;

async function load(): Promise<Parsers> {
  await Parser.init();
  const [cLang, tsLang] = await Promise.all([
    Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm')),
    Language.load(require.resolve('tree-sitter-typescript/tree-sitter-typescript.wasm')),
  ]);
  const c = new Parser();
  c.setLanguage(cLang);
  const ts = new Parser();
  ts.setLanguage(tsLang);
  return { c, ts };
}

/** The two parsers, ready to use. */
export function parsers(): Promise<Parsers> {
  loading ??= load();
  return loading;
}
