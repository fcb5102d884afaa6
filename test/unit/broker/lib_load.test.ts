/**
 * The plugin loader macros (lib_load.ts): a module is loaded by path, a `.so` path loads the
 * ES module with the same name and `.js` beside it, look-ups go by export name, and dlerror()
 * says why the last load or look-up failed, once.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dlerror, LIB_LOAD, LIB_SYM } from '../../../src/broker/lib_load.js';

const dir = mkdtempSync(join(tmpdir(), 'lib_load-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

mkdirSync(join(dir, 'c'));
/* What a JS port of c/plugin_a.so looks like; the .so itself is a stand-in file. */
writeFileSync(join(dir, 'c', 'plugin_a.so'), 'not an ES module\n');
writeFileSync(join(dir, 'c', 'plugin_a.js'), `
export function mosquitto_auth_plugin_version() { return 4; }
export const not_a_function = 4;
`);
/* A module loaded by its own name. */
writeFileSync(join(dir, 'plugin_b.mjs'), 'export function mosquitto_plugin_version() { return 5; }\n');
/* A module that is there but whose import fails: it imports a file that is not. */
writeFileSync(join(dir, 'c', 'broken.js'), "export * from './missing-dependency.js';\n");

beforeEach(() => {
  dlerror();
});

describe('LIB_LOAD', () => {
  it('loads the .js module beside a .so path and finds its exports by symbol name', async () => {
    const lib = await LIB_LOAD(join(dir, 'c', 'plugin_a.so'));
    expect(lib).not.toBeNull();
    const fn = LIB_SYM(lib!, 'mosquitto_auth_plugin_version') as () => number;
    expect(fn()).toBe(4);
    expect(dlerror()).toBeNull();
  });

  it('takes a relative path from the working directory, as dlopen does', async () => {
    const lib = await LIB_LOAD(relative(process.cwd(), join(dir, 'c', 'plugin_a.so')));
    expect(lib).not.toBeNull();
    expect(typeof lib!.mosquitto_auth_plugin_version).toBe('function');
  });

  it('loads any other path as it is', async () => {
    const lib = await LIB_LOAD(join(dir, 'plugin_b.mjs'));
    expect((LIB_SYM(lib!, 'mosquitto_plugin_version') as () => number)()).toBe(5);
  });

  it('says clearly when a .so path has no module beside it, and only once', async () => {
    const path = join(dir, 'c', 'auth_plugin_none.so');
    expect(await LIB_LOAD(path)).toBeNull();
    expect(dlerror()).toBe(
      `${path}: cannot load a C shared object, and there is no ES module ${join(dir, 'c', 'auth_plugin_none.js')} beside it`);
    expect(dlerror()).toBeNull();
  });

  it('says a missing module path does not exist', async () => {
    const path = join(dir, 'none.mjs');
    expect(await LIB_LOAD(path)).toBeNull();
    expect(dlerror()).toBe(`${path}: No such file or directory`);
  });

  it('reports the import error of a module that is there but cannot load, naming the module', async () => {
    expect(await LIB_LOAD(join(dir, 'c', 'broken.so'))).toBeNull();
    const err = dlerror()!;
    expect(err.startsWith(`${join(dir, 'c', 'broken.js')}: `)).toBe(true);
    expect(err).toContain('missing-dependency.js');
    expect(err).not.toContain('no ES module');
  });
});

describe('LIB_SYM', () => {
  it('treats an export that is not a function as missing', async () => {
    const lib = await LIB_LOAD(join(dir, 'c', 'plugin_a.so'));
    expect(LIB_SYM(lib!, 'not_a_function')).toBeNull();
    expect(dlerror()).toBe('undefined symbol: not_a_function');
    expect(LIB_SYM(lib!, 'mosquitto_auth_plugin_cleanup')).toBeNull();
    expect(dlerror()).toBe('undefined symbol: mosquitto_auth_plugin_cleanup');
  });
});
