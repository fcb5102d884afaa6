/**
 * Where things are: the repository root (found from this file, in src/ or dist/), the pinned C
 * tree under mosquitto-src/, the folders each side is read from, and the cache folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The C folders whose `.c` files are inventoried (functions) and whose `.h` files give structs and defines. */
export const C_DIRS = ['src', 'lib', 'apps', 'client', 'plugins'] as const;
/** Header-only folders read for structs, constants and macros (`@c deps/utlist.h DL_APPEND`). */
export const C_HEADER_DIRS = ['include', 'deps'] as const;
/** Port folders read by the TS inventory (relative to the repository root). */
export const TS_DIRS = ['src/broker', 'src/lib', 'src/apps', 'src/plugins', 'src/include', 'src/deps'] as const;

/** The repository root: the nearest folder above this module with a package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (no package.json above xref)');
    dir = up;
  }
  return dir;
}

/** The unpacked C tree, from mosquitto-src/pin.env's version. */
export function cRoot(root: string): string {
  const pin = readFileSync(join(root, 'mosquitto-src', 'pin.env'), 'utf8');
  const version = /^MOSQUITTO_VERSION=["']?([\w.]+)/m.exec(pin)?.[1];
  const dir = join(root, 'mosquitto-src', `mosquitto-${version ?? '2.0.11'}`);
  if (!existsSync(dir)) throw new Error(`C tree not found at ${dir}: run mosquitto-src/fetch.sh`);
  return dir;
}

/**
 * Cache folder (node_modules/.cache is ignored by git, as tools customarily use it); one for the
 * TS sources (tests) and one for the compiled CLI, whose code hashes differ.
 */
export function cacheDir(root: string): string {
  return join(root, 'node_modules', '.cache', 'mosquitto-ts-xref', import.meta.url.endsWith('.ts') ? 'src' : 'dist');
}

/** Files under `dir` whose names end with one of `exts`, as sorted '/'-separated paths relative to `base`. */
export function listFiles(base: string, dir: string, exts: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x))) out.push(relative(base, p).split(sep).join('/'));
    }
  };
  walk(join(base, dir));
  return out.sort();
}
