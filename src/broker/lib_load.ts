/**
 * The plugin loading macros of src/lib_load.h. mosquitto opens a shared library with dlopen and
 * looks functions up with dlsym; the port loads an ES module with a dynamic `import()` and looks
 * its exports up by the same C symbol names.
 *
 * A module is the plugin "library": `export function mosquitto_auth_plugin_version() {...}` is
 * the TS counterpart of a C plugin's exported symbol. A configuration that names a C library
 * (`auth_plugin /path/x.so`) gets the module `/path/x.js` beside it.
 * @module
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A loaded plugin module: its exports by name (C: the `void *` library handle). */
export type mosquitto_lib = Record<string, unknown>;

/* What the last failed load or look-up said, as dlerror() would report it. */
let lib_error: string | null = null;

/**
 * Loads the plugin module at `path` (relative paths are taken from the working directory, as
 * dlopen does for a path with a slash). A path ending in `.so` names a C library the port cannot
 * open, so the ES module beside it with the same name and `.js` is loaded instead: a
 * configuration written for mosquitto works unchanged once a JS port of the plugin sits next to
 * the library. Resolves to null on failure; dlerror() then says why.
 * @c src/lib_load.h LIB_LOAD
 * @adapted a dlopen() macro in C; dynamic import() is asynchronous, so this returns a Promise,
 *   and a `.so` path is taken to mean the `.js` module beside it
 */
export async function LIB_LOAD(path: string): Promise<mosquitto_lib | null> {
  const module_path = path.endsWith('.so') ? `${path.slice(0, -3)}.js` : path;
  const url = pathToFileURL(resolve(module_path)).href;
  try {
    const lib = (await import(url)) as mosquitto_lib;
    return lib;
  } catch (err) {
    if (!await lib_file_exists(module_path)) {
      /* The module itself is missing (not a module it imports). */
      if (module_path !== path) {
        lib_error = `${path}: cannot load a C shared object, and there is no ES module ${module_path} beside it`;
      } else {
        lib_error = `${path}: No such file or directory`;
      }
    } else {
      lib_error = `${module_path}: ${(err as Error).message}`;
    }
    return null;
  }
}

/**
 * Whether the module file is there, so a failed import can say "missing" rather than pass on
 * the loader's error about some module the plugin imports.
 * @tsonly dlopen() reports the missing file itself; import() words it differently per loader
 */
async function lib_file_exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
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
