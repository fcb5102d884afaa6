/**
 * Reads both sides: every C file of the inventoried folders (and the headers for structs and
 * macros) and every TS file of the port, through the cache. The parsers are loaded only when
 * some file is not in the cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { InventoryCache, sha1 } from './cache.js';
import { inventoryCFile } from './c_inventory.js';
import { parsers } from './parsers.js';
import { C_DIRS, C_HEADER_DIRS, TS_DIRS, cacheDir, listFiles } from './paths.js';
import { progress } from './progress.js';
import { inventoryTsFile } from './ts_inventory.js';
import type { CFileInventory, TsFileInventory } from './types.js';

export interface ReadOptions {
  /** Use and update the cache (default true). */
  cache?: boolean;
  /** Draw a progress bar when stderr is a terminal (default true). */
  progress?: boolean;
}

interface Source {
  file: string;
  text: string;
  hash: string;
}

function readAll(base: string, files: string[]): Source[] {
  return files.map((file) => {
    const text = readFileSync(join(base, file), 'utf8');
    return { file, text, hash: sha1(text) };
  });
}

async function inventory<T>(
  sources: Source[], cachePath: string | null, title: string, show: boolean,
  make: (p: Parser, s: Source) => T, pick: (p: Awaited<ReturnType<typeof parsers>>) => Parser,
): Promise<T[]> {
  const cache = new InventoryCache<T>(cachePath);
  const misses = sources.filter((s) => !cache.has(s.file, s.hash)).length;
  const parser = misses ? pick(await parsers()) : null;
  const bar = show ? progress(misses, title) : progress(0, title);
  const out = sources.map((s) => cache.get(s.file, s.hash, () => {
    const v = make(parser as Parser, s);
    bar.tick(s.file);
    return v;
  }));
  bar.done();
  cache.save();
  return out;
}

/** Inventories of the C tree: `.c` files (functions and all) and headers (structs, defines). */
export async function readC(root: string, cTree: string, opts: ReadOptions = {}): Promise<CFileInventory[]> {
  const files = [
    ...C_DIRS.flatMap((d) => listFiles(cTree, d, ['.c', '.h'])),
    ...C_HEADER_DIRS.flatMap((d) => listFiles(cTree, d, ['.h'])),
  ];
  const cachePath = opts.cache === false ? null : join(cacheDir(root), 'c-inventory.json');
  return inventory(readAll(cTree, files), cachePath, 'C', opts.progress !== false,
    (p, s) => inventoryCFile(p, s.file, s.text), (p) => p.c);
}

/** Inventories of the port's TS files. */
export async function readTs(root: string, opts: ReadOptions = {}): Promise<TsFileInventory[]> {
  const files = TS_DIRS.flatMap((d) => listFiles(root, d, ['.ts']));
  const cachePath = opts.cache === false ? null : join(cacheDir(root), 'ts-inventory.json');
  return inventory(readAll(root, files), cachePath, 'TS', opts.progress !== false,
    (p, s) => inventoryTsFile(p, s.file, s.text), (p) => p.ts);
}
