/**
 * The one build configuration the C inventory resolves `#if` against: mosquitto 2.0.11 built on
 * Debian 12 (Linux, glibc 2.36, OpenSSL 3, libwebsockets 4.1, cJSON 1.7.15) with the options the
 * port follows. Files under `src/` and `lib/` are read as the broker build compiles them
 * (`WITH_BROKER`); `apps/`, `client/` and `plugins/` without it. Not WIN32, not macOS/BSD/QNX.
 *
 * The configuration only decides which lines of a function body are read (and so which calls a
 * function makes). Functions in branches the configuration drops (`#ifdef WIN32`, the
 * `#ifndef WITH_BROKER` client variants of lib/) are still inventoried, each read with its
 * own branch forced on, because the inventory lists every definition in the file, as ctags does.
 */
import type { MacroTable } from './c_cond.js';

const COMMON: Record<string, number> = {
  __linux__: 1,
  __GLIBC__: 2,
  __GLIBC_MINOR__: 36,
  _GNU_SOURCE: 1,
  _POSIX_TIMERS: 200809,
  _POSIX_MONOTONIC_CLOCK: 0,
  HAVE_PTHREAD_CANCEL: 1,
  HAVE_PSELECT: 1,
  WITH_TLS: 1,
  WITH_TLS_PSK: 1,
  FINAL_WITH_TLS_PSK: 1,
  WITH_EC: 1,
  WITH_THREADING: 1,
  WITH_BRIDGE: 1,
  WITH_PERSISTENCE: 1,
  WITH_MEMORY_TRACKING: 1,
  REAL_WITH_MEMORY_TRACKING: 1,
  WITH_SYS_TREE: 1,
  WITH_WEBSOCKETS: 1,
  WITH_SOCKS: 1,
  WITH_EPOLL: 1,
  WITH_UNIX_SOCKETS: 1,
  WITH_CJSON: 1,
  WITH_CONTROL: 1,
  OPENSSL_VERSION_NUMBER: 0x30000000,
  OPENSSL_API_COMPAT: 0x10100000,
  LWS_LIBRARY_VERSION_NUMBER: 4001006,
  CJSON_VERSION_FULL: 1007015,
  SSL_OP_NO_TLSv1_3: 1,
  SSL_MODE_RELEASE_BUFFERS: 1,
  SSL_OP_NO_RENEGOTIATION: 1,
  SSL_OP_NO_COMPRESSION: 1,
  SSL_OP_CIPHER_SERVER_PREFERENCE: 1,
  SO_BINDTODEVICE: 1,
  IPV6_V6ONLY: 1,
  SIGHUP: 1,
};

/** Broker build: src/*.c and the lib/*.c files linked into the broker. */
export const BROKER_MACROS: MacroTable = new Map(Object.entries({ ...COMMON, WITH_BROKER: 1 }));

/** Library, clients, apps and plugins build. */
export const LIBRARY_MACROS: MacroTable = new Map(Object.entries(COMMON));

/** One line describing the configuration, for the CLI and the model. */
export const CONFIG_DESCRIPTION =
  'Linux/glibc, OpenSSL 3; WITH_TLS, WITH_TLS_PSK, WITH_BRIDGE, WITH_PERSISTENCE, WITH_SYS_TREE, ' +
  'WITH_WEBSOCKETS, WITH_EPOLL, WITH_MEMORY_TRACKING, WITH_CONTROL, WITH_SOCKS, WITH_UNIX_SOCKETS, ' +
  'WITH_THREADING, WITH_CJSON; WITH_BROKER for src/ and lib/; not WIN32';

/** Macros for a C file, by the folder it sits in (path relative to the C tree root). */
export function macrosFor(relPath: string): MacroTable {
  return relPath.startsWith('src/') || relPath.startsWith('lib/') ? BROKER_MACROS : LIBRARY_MACROS;
}
