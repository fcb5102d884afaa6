/**
 * The plugin loading macros of src/lib_load.h. mosquitto opens a shared library with dlopen and
 * looks functions up with dlsym; the port loads an ES module with a dynamic `import()` and looks
 * its exports up by the same C symbol names.
 *
 * A module is the plugin "library": `export function mosquitto_auth_plugin_version() {...}` is
 * the TS counterpart of a C plugin's exported symbol.
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A loaded plugin module: its exports by name (C: the `void *` library handle). */
export type mosquitto_lib = Record<string, unknown>;

/* What the last failed load or look-up said, as dlerror() would report it. */
let lib_error: string | null = null;

/**
 * Loads the plugin module at `path` (relative paths are taken from the working directory, as
 * dlopen does for a path with a slash). Resolves to null on failure; dlerror() then says why.
 * @c src/lib_load.h LIB_LOAD
 * @adapted a dlopen() macro in C; dynamic import() is asynchronous, so this returns a Promise
 */
export async function LIB_LOAD(path: string): Promise<mosquitto_lib | null> {
  try {
    const lib = (await import(pathToFileURL(resolve(path)).href)) as mosquitto_lib;
    return lib;
  } catch (err) {
    lib_error = `${path}: ${(err as Error).message}`;
    return null;
  }
}

/**
 * Releases a loaded plugin module.
 * @c src/lib_load.h LIB_CLOSE
 * @adapted a dlclose() macro in C; an imported ES module cannot be unloaded, so this does nothing
 */
export function LIB_CLOSE(_lib: mosquitto_lib): void {
  /* Node keeps imported modules for the life of the process. */
}

/**
 * Finds the function a plugin module exports under `sym`, or null (dlerror() then says why).
 * @c src/lib_load.h LIB_SYM
 * @adapted a dlsym() macro in C; a module export that is not a function counts as missing
 */
export function LIB_SYM(lib: mosquitto_lib, sym: string): unknown {
  const fn = lib[sym];
  if (typeof fn === 'function') {
    return fn;
  }
  lib_error = `undefined symbol: ${sym}`;
  return null;
}

/**
 * The reason the last LIB_LOAD or LIB_SYM failed, then forgets it (as libc's dlerror() does).
 * @tsonly stands in for libc's dlerror(), which LIB_ERROR prints
 */
export function dlerror(): string | null {
  const err = lib_error;
  lib_error = null;
  return err;
}
