/**
 * The `include_dir` support of src/conf_includedir.c: lists the `*.conf` files of a directory
 * in mosquitto's order.
 * @module
 */
import { readdirSync } from 'node:fs';
import { MOSQ_LOG_ERR } from '../include/mosquitto.js';
import { log__printf } from './logging.js';

/**
 * Upper-cases an ASCII letter as glibc's toupper does in the "C" locale; a negative (signed)
 * char comes back as its unsigned value, as glibc's table gives it.
 * @tsonly libc's toupper, which Node lacks for single bytes
 */
function toupper(c: number): number {
  const u = c & 0xff;
  return u >= 0x61 && u <= 0x7a ? u - 0x20 : u;
}

/**
 * Orders two file names case-insensitively first and, where they differ only in case, by
 * case; negative when `p1` sorts first.
 * @adapted compares the UTF-8 bytes as C chars (signed, upper-cased through glibc's table), so
 *   that non-ASCII names sort where mosquitto puts them: after the ASCII ones
 */
function scmp_p(p1: string, p2: string): number {
  const s1 = Buffer.from(p1);
  const s2 = Buffer.from(p2);
  /* Past the end a C string reads its NUL terminator. */
  const at = (s: Buffer, i: number): number => (i < s.length ? (s[i] << 24) >> 24 : 0);
  let i = 0;
  while (at(s1, i) && at(s2, i)) {
    let result = toupper(at(s1, i)) - toupper(at(s2, i));
    if (result === 0) {
      result = at(s1, i) - at(s2, i);
      if (result !== 0) {
        return result;
      }
    } else {
      return result;
    }
    i++;
  }
  return at(s1, i) - at(s2, i);
}

/**
 * Lists `<include_dir>/<name>.conf` for every directory entry whose name is longer than
 * ".conf" and ends with it, sorted by scmp_p.
 * @adapted returns `{ rc, files }` instead of filling the files/file_count out-parameters;
 *   readdirSync replaces opendir/readdir
 */
export function config__get_dir_files(include_dir: string): { rc: number; files: string[] } {
  let names: string[];
  try {
    names = readdirSync(include_dir);
  } catch {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to open include_dir '${include_dir}'.`);
    return { rc: 1, files: [] };
  }
  const l_files: string[] = [];
  for (const d_name of names) {
    if (Buffer.byteLength(d_name) > 5) {
      if (d_name.endsWith('.conf')) {
        l_files.push(`${include_dir}/${d_name}`);
      }
    }
  }
  l_files.sort(scmp_p);
  return { rc: 0, files: l_files };
}
