/**
 * A per-file cache of inventories in one JSON file under the cache folder, keyed by the SHA-1 of
 * each file's content. The whole cache is dropped when the code that makes the inventories
 * changes (its own hash is part of the key).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CacheFile<T> {
  code: string;
  files: Record<string, { hash: string; value: T }>;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Hash of the xref modules themselves (the .ts sources, or the compiled .js in dist/). */
function codeHash(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha1');
  for (const f of readdirSync(dir).filter((n) => /\.(ts|js)$/.test(n)).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

export class InventoryCache<T> {
  private readonly data: CacheFile<T>;
  private readonly fresh: CacheFile<T>;
  private dirty = false;

  constructor(private readonly path: string | null) {
    const code = codeHash();
    this.fresh = { code, files: {} };
    let old: CacheFile<T> = { code, files: {} };
    if (path && existsSync(path)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as CacheFile<T>;
        if (parsed.code === code) old = parsed;
      } catch {
        // a broken cache is rebuilt
      }
    }
    this.data = old;
  }

  has(file: string, hash: string): boolean {
    return this.data.files[file]?.hash === hash;
  }

  /** The cached value for a file whose content hashes to `hash`, or one made by `make`. */
  get(file: string, hash: string, make: () => T): T {
    const hit = this.data.files[file];
    const value = hit && hit.hash === hash ? hit.value : make();
    if (!hit || hit.hash !== hash) this.dirty = true;
    this.fresh.files[file] = { hash, value };
    return value;
  }

  /** Writes the entries used in this run (stale files drop out), atomically (write, then rename). */
  save(): void {
    if (!this.path) return;
    if (!this.dirty && Object.keys(this.fresh.files).length === Object.keys(this.data.files).length) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.fresh));
    renameSync(tmp, this.path);
  }
}
