/**
 * General helpers with nothing MQTT-specific about them (lib/misc_mosq.c): opening a file
 * privately, trimming blanks, reading a line of any length.
 *
 * C hands a `FILE *` around. Node has descriptors but no stdio streams and no lseek, so the port's
 * {@link FILE} is a descriptor plus the position the stream is at; reads and writes pass that
 * position explicitly, which lets a line reader stop exactly at the end of a line.
 * @module
 */
import { openSync, readSync } from 'node:fs';

/**
 * An open file as ported code uses a C `FILE *`: the descriptor, the current read/write offset
 * and the end-of-file flag that `feof()` reports.
 */
export interface FILE {
  fd: number;
  pos: number;
  eof: boolean;
}

/** glibc's texts for the errors a file tool usually meets; others fall back to libuv's text. */
const STRERROR_TEXT: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EACCES: 'Permission denied',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  ETXTBSY: 'Text file busy',
};

/**
 * Opens `path` with a C fopen() mode ("rt", "r+t", "wb", "at", ...). With `restrict_read` the
 * file, if created, is readable by its owner only. Returns null when it cannot be opened.
 * @adapted fopen() becomes fs.openSync (the `t`/`b` letters mean nothing on POSIX); the Windows
 * ACL branch is not ported, Node on Windows is not a target.
 */
export function mosquitto__fopen(path: string, mode: string, restrict_read: boolean): FILE | null {
  const flags = mode.replace(/[tb]/g, '');
  let fd: number;

  try{
    if(restrict_read){
      const old_mask = process.umask(0o077);
      try{
        fd = openSync(path, flags);
      }finally{
        process.umask(old_mask);
      }
    }else{
      fd = openSync(path, flags);
    }
  }catch{
    return null;
  }
  return { fd, pos: 0, eof: false };
}

/**
 * Strips leading and trailing white space (the characters isspace() accepts) from `str`.
 * @adapted C moves the start pointer and writes a NUL over the tail; TS returns the substring.
 */
export function misc__trimblanks(str: string | null): string | null {
  if(str === null) return null;

  return str.replace(/^[ \t\n\v\f\r]+/, '').replace(/[ \t\n\v\f\r]+$/, '');
}

/**
 * Reads one line from `stream`, however long, including its trailing newline if it has one.
 * Returns null when nothing is left or the read fails; sets `stream.eof` on reaching the end.
 * @adapted C grows a caller-owned buffer by 1000 bytes while no newline turns up; TS reads
 * 1000-byte pieces at the stream position and returns the line as a string, so the buffer and
 * length out-parameters are gone.
 */
export function fgets_extending(stream: FILE | null): string | null {
  const parts: Buffer[] = [];
  const chunk = Buffer.alloc(1000);
  let len: number;
  let eol: number;

  if(stream === null){
    return null;
  }

  do{
    try{
      len = readSync(stream.fd, chunk, 0, chunk.length, stream.pos);
    }catch{
      return null;
    }
    if(len === 0){
      stream.eof = true;
      return parts.length ? Buffer.concat(parts).toString('utf8') : null;
    }
    eol = chunk.subarray(0, len).indexOf(0x0a);
    if(eol >= 0){
      len = eol + 1;
    }
    parts.push(Buffer.from(chunk.subarray(0, len)));
    stream.pos += len;
  }while(eol < 0);

  return Buffer.concat(parts).toString('utf8');
}

/**
 * The text strerror() gives for a Node error's code, for messages that print it.
 * @tsonly libc strerror() stand-in: Node errors carry the errno name, not glibc's wording.
 */
export function strerror(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';

  if(STRERROR_TEXT[code]){
    return STRERROR_TEXT[code];
  }
  const m = /^[A-Z0-9]+: ([^,]*)/.exec(e?.message ?? '');
  const text = m ? m[1] : String(e?.message ?? code);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The gai_strerror(3) text for a failed name lookup (a listener's or a bridge's address).
 * @tsonly Node reports lookup failures by errno name, not glibc's wording
 */
export function gai_strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOTFOUND') return 'Name or service not known';
  if (code === 'EAI_AGAIN') return 'Temporary failure in name resolution';
  return strerror(err);
}
