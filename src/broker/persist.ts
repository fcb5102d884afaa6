/**
 * The persistence file format of src/persist.h: the format version, the chunk types, and the
 * chunk structures (`PF_*`, the fixed-size part written as one block; `P_*`, that part plus the
 * variable-length strings, payload and properties that follow it).
 *
 * A `mosquitto.db` file is a 15-byte magic, a 4-byte CRC (always 0), the 4-byte format version,
 * then chunks: an 8-byte header (chunk type and length, big-endian) and the chunk's body.
 * mosquitto writes each `PF_*` struct from memory as it is, so the file carries the struct's
 * padding and the host's byte order for the fields it does not convert (the 64-bit ones: store
 * ids, `last_db_id`, the expiry times). The port reads and writes that layout explicitly for a
 * little-endian 64-bit host (x86-64, arm64: what Debian's mosquitto writes), in the
 * `*__pack`/`*__unpack` helpers below; the 64-bit fields are `bigint`s here, exact as in the
 * file, and become numbers (dbid_t) only where the broker takes them over. The C
 * `read_e`/`write_e` macros become buffered reads and writes on the port's {@link FILE}.
 * @module
 */
import { readSync, writeSync } from 'node:fs';
import type { FILE } from '../lib/misc_mosq.js';
import { strerror } from '../lib/misc_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import type { mosquitto__listener } from './mosquitto_broker_internal.js';

export const MOSQ_DB_VERSION = 6;

/* Chunk types */
export const DB_CHUNK_CFG = 1;
export const DB_CHUNK_MSG_STORE = 2;
export const DB_CHUNK_CLIENT_MSG = 3;
export const DB_CHUNK_RETAIN = 4;
export const DB_CHUNK_SUB = 5;
export const DB_CHUNK_CLIENT = 6;

/* sizeof() of the on-disk structs on a 64-bit host, padding included. */
export const sizeof_dbid_t = 8;
export const sizeof_PF_header = 8;
export const sizeof_PF_cfg = 16;
export const sizeof_PF_client_v5 = 16;
export const sizeof_PF_client = 24;
export const sizeof_PF_client_msg = 16;
export const sizeof_PF_msg_store = 32;
export const sizeof_PF_sub = 12;
export const sizeof_PF_retain = 8;

/** struct PF_header: the type and body length of one chunk. */
export interface PF_header {
  chunk: number;
  length: number;
}

/** struct PF_cfg: the broker-wide chunk, written first. */
export interface PF_cfg {
  /** uint64 as in the file (the broker's dbid_t is a number) */
  last_db_id: bigint;
  shutdown: number;
  dbid_size: number;
}

/** struct PF_client_v5: the client chunk as format version 5 had it. */
export interface PF_client_v5 {
  /** int64 as in the file */
  session_expiry_time: bigint;
  session_expiry_interval: number;
  last_mid: number;
  id_len: number;
}

/** struct PF_client: a persistent client; version 6 added the username and listener port. */
export interface PF_client extends PF_client_v5 {
  listener_port: number;
  username_len: number;
}

/** struct P_client: a client chunk with its client id and username. */
export interface P_client {
  F: PF_client;
  client_id: string | null;
  username: string | null;
}

/** struct PF_client_msg: one message in a client's queues, by store id. */
export interface PF_client_msg {
  /** uint64 as in the file */
  store_id: bigint;
  mid: number;
  id_len: number;
  qos: number;
  state: number;
  /** retain in the high nibble, dup in the low one */
  retain_dup: number;
  direction: number;
}

/** struct P_client_msg: a client message chunk with the client id and the message's properties. */
export interface P_client_msg {
  F: PF_client_msg;
  client_id: string | null;
  properties: mosquitto_property[] | null;
}

/** struct PF_msg_store: one stored message. */
export interface PF_msg_store {
  /** uint64 as in the file */
  store_id: bigint;
  /** int64 as in the file */
  expiry_time: bigint;
  payloadlen: number;
  source_mid: number;
  source_id_len: number;
  source_username_len: number;
  topic_len: number;
  source_port: number;
  qos: number;
  retain: number;
}

/**
 * The parts of the publishing client a stored message keeps.
 * @adapted C embeds a whole zeroed `struct mosquitto` in P_msg_store and uses three fields of it
 */
export interface P_msg_store_source {
  id: string | null;
  username: string | null;
  listener: mosquitto__listener | null;
}

/** struct P_msg_store: a stored message chunk with its source, topic, payload and properties. */
export interface P_msg_store {
  F: PF_msg_store;
  payload: Buffer | null;
  source: P_msg_store_source;
  topic: string | null;
  properties: mosquitto_property[] | null;
}

/** struct PF_sub: one subscription of a persistent client. */
export interface PF_sub {
  identifier: number;
  id_len: number;
  topic_len: number;
  qos: number;
  /** no_local in bit 2, retain_as_published in bit 3 */
  options: number;
}

/** struct P_sub: a subscription chunk with the client id and the filter. */
export interface P_sub {
  F: PF_sub;
  client_id: string | null;
  topic: string | null;
}

/** struct PF_retain: a retained message, by store id. */
export interface PF_retain {
  /** uint64 as in the file */
  store_id: bigint;
}

/** struct P_retain: a retained message chunk. */
export interface P_retain {
  F: PF_retain;
}

/**
 * A zeroed client chunk.
 * @tsonly stands in for `memset(&chunk, 0, sizeof(struct P_client))`
 */
export function P_client__new(): P_client {
  return {
    F: { session_expiry_time: 0n, session_expiry_interval: 0, last_mid: 0, id_len: 0, listener_port: 0, username_len: 0 },
    client_id: null,
    username: null,
  };
}

/**
 * A zeroed client message chunk.
 * @tsonly stands in for `memset(&chunk, 0, sizeof(struct P_client_msg))`
 */
export function P_client_msg__new(): P_client_msg {
  return {
    F: { store_id: 0n, mid: 0, id_len: 0, qos: 0, state: 0, retain_dup: 0, direction: 0 },
    client_id: null,
    properties: null,
  };
}

/**
 * A zeroed stored message chunk.
 * @tsonly stands in for `memset(&chunk, 0, sizeof(struct P_msg_store))`
 */
export function P_msg_store__new(): P_msg_store {
  return {
    F: {
      store_id: 0n, expiry_time: 0n, payloadlen: 0, source_mid: 0, source_id_len: 0,
      source_username_len: 0, topic_len: 0, source_port: 0, qos: 0, retain: 0,
    },
    payload: null,
    source: { id: null, username: null, listener: null },
    topic: null,
    properties: null,
  };
}

/**
 * A zeroed subscription chunk.
 * @tsonly stands in for `memset(&chunk, 0, sizeof(struct P_sub))`
 */
export function P_sub__new(): P_sub {
  return { F: { identifier: 0, id_len: 0, topic_len: 0, qos: 0, options: 0 }, client_id: null, topic: null };
}

/**
 * A zeroed retain chunk.
 * @tsonly stands in for `memset(&chunk, 0, sizeof(struct P_retain))`
 */
export function P_retain__new(): P_retain {
  return { F: { store_id: 0n } };
}

/**
 * The bytes of a chunk header: type and length, big-endian.
 * @tsonly the memory of the C struct after htonl(), as fwrite() puts it in the file
 */
export function PF_header__pack(header: PF_header): Buffer {
  const buf = Buffer.alloc(sizeof_PF_header);
  buf.writeUInt32BE(header.chunk >>> 0, 0);
  buf.writeUInt32BE(header.length >>> 0, 4);
  return buf;
}

/**
 * The bytes of a cfg chunk: last_db_id (host order), shutdown, dbid_size, six bytes of padding.
 * @tsonly the memory of the C struct, as fwrite() puts it in the file
 */
export function PF_cfg__pack(chunk: PF_cfg): Buffer {
  const buf = Buffer.alloc(sizeof_PF_cfg);
  buf.writeBigUInt64LE(chunk.last_db_id, 0);
  buf.writeUInt8(chunk.shutdown & 0xff, 8);
  buf.writeUInt8(chunk.dbid_size & 0xff, 9);
  return buf;
}

/**
 * A cfg chunk from its bytes.
 * @tsonly fread() into the C struct
 */
export function PF_cfg__unpack(buf: Buffer): PF_cfg {
  return { last_db_id: buf.readBigUInt64LE(0), shutdown: buf.readUInt8(8), dbid_size: buf.readUInt8(9) };
}

/**
 * The bytes of a client chunk: session_expiry_time (host order), then session_expiry_interval,
 * last_mid, id_len, listener_port, username_len (big-endian) and four bytes of padding.
 * @tsonly the memory of the C struct after the hton*() calls, as fwrite() puts it in the file
 */
export function PF_client__pack(chunk: PF_client): Buffer {
  const buf = Buffer.alloc(sizeof_PF_client);
  buf.writeBigInt64LE(chunk.session_expiry_time, 0);
  buf.writeUInt32BE(chunk.session_expiry_interval >>> 0, 8);
  buf.writeUInt16BE(chunk.last_mid & 0xffff, 12);
  buf.writeUInt16BE(chunk.id_len & 0xffff, 14);
  buf.writeUInt16BE(chunk.listener_port & 0xffff, 16);
  buf.writeUInt16BE(chunk.username_len & 0xffff, 18);
  return buf;
}

/**
 * A client chunk from its bytes: the version 5 part (16 bytes), and the listener port and
 * username length when the buffer holds the version 6 struct.
 * @tsonly fread() into the C struct, with the ntoh*() calls that follow it
 */
export function PF_client__unpack(buf: Buffer): PF_client {
  const F: PF_client = {
    session_expiry_time: buf.readBigInt64LE(0),
    session_expiry_interval: buf.readUInt32BE(8),
    last_mid: buf.readUInt16BE(12),
    id_len: buf.readUInt16BE(14),
    listener_port: 0,
    username_len: 0,
  };
  if (buf.length >= sizeof_PF_client) {
    F.listener_port = buf.readUInt16BE(16);
    F.username_len = buf.readUInt16BE(18);
  }
  return F;
}

/**
 * The bytes of a client message chunk: store_id (host order), mid and id_len (big-endian),
 * qos, state, retain_dup, direction.
 * @tsonly the memory of the C struct after the htons() calls, as fwrite() puts it in the file
 */
export function PF_client_msg__pack(chunk: PF_client_msg): Buffer {
  const buf = Buffer.alloc(sizeof_PF_client_msg);
  buf.writeBigUInt64LE(chunk.store_id, 0);
  buf.writeUInt16BE(chunk.mid & 0xffff, 8);
  buf.writeUInt16BE(chunk.id_len & 0xffff, 10);
  buf.writeUInt8(chunk.qos & 0xff, 12);
  buf.writeUInt8(chunk.state & 0xff, 13);
  buf.writeUInt8(chunk.retain_dup & 0xff, 14);
  buf.writeUInt8(chunk.direction & 0xff, 15);
  return buf;
}

/**
 * A client message chunk from its bytes.
 * @tsonly fread() into the C struct, with the ntohs() calls that follow it
 */
export function PF_client_msg__unpack(buf: Buffer): PF_client_msg {
  return {
    store_id: buf.readBigUInt64LE(0),
    mid: buf.readUInt16BE(8),
    id_len: buf.readUInt16BE(10),
    qos: buf.readUInt8(12),
    state: buf.readUInt8(13),
    retain_dup: buf.readUInt8(14),
    direction: buf.readUInt8(15),
  };
}

/**
 * The bytes of a stored message chunk: store_id and expiry_time (host order), payloadlen,
 * source_mid, source_id_len, source_username_len, topic_len, source_port (big-endian), qos,
 * retain.
 * @tsonly the memory of the C struct after the hton*() calls, as fwrite() puts it in the file
 */
export function PF_msg_store__pack(chunk: PF_msg_store): Buffer {
  const buf = Buffer.alloc(sizeof_PF_msg_store);
  buf.writeBigUInt64LE(chunk.store_id, 0);
  buf.writeBigInt64LE(chunk.expiry_time, 8);
  buf.writeUInt32BE(chunk.payloadlen >>> 0, 16);
  buf.writeUInt16BE(chunk.source_mid & 0xffff, 20);
  buf.writeUInt16BE(chunk.source_id_len & 0xffff, 22);
  buf.writeUInt16BE(chunk.source_username_len & 0xffff, 24);
  buf.writeUInt16BE(chunk.topic_len & 0xffff, 26);
  buf.writeUInt16BE(chunk.source_port & 0xffff, 28);
  buf.writeUInt8(chunk.qos & 0xff, 30);
  buf.writeUInt8(chunk.retain & 0xff, 31);
  return buf;
}

/**
 * A stored message chunk from its bytes.
 * @tsonly fread() into the C struct, with the ntoh*() calls that follow it
 */
export function PF_msg_store__unpack(buf: Buffer): PF_msg_store {
  return {
    store_id: buf.readBigUInt64LE(0),
    expiry_time: buf.readBigInt64LE(8),
    payloadlen: buf.readUInt32BE(16),
    source_mid: buf.readUInt16BE(20),
    source_id_len: buf.readUInt16BE(22),
    source_username_len: buf.readUInt16BE(24),
    topic_len: buf.readUInt16BE(26),
    source_port: buf.readUInt16BE(28),
    qos: buf.readUInt8(30),
    retain: buf.readUInt8(31),
  };
}

/**
 * The bytes of a subscription chunk: identifier, id_len, topic_len (big-endian), qos, options,
 * two bytes of padding.
 * @tsonly the memory of the C struct after the hton*() calls, as fwrite() puts it in the file
 */
export function PF_sub__pack(chunk: PF_sub): Buffer {
  const buf = Buffer.alloc(sizeof_PF_sub);
  buf.writeUInt32BE(chunk.identifier >>> 0, 0);
  buf.writeUInt16BE(chunk.id_len & 0xffff, 4);
  buf.writeUInt16BE(chunk.topic_len & 0xffff, 6);
  buf.writeUInt8(chunk.qos & 0xff, 8);
  buf.writeUInt8(chunk.options & 0xff, 9);
  return buf;
}

/**
 * A subscription chunk from its bytes.
 * @tsonly fread() into the C struct, with the ntoh*() calls that follow it
 */
export function PF_sub__unpack(buf: Buffer): PF_sub {
  return {
    identifier: buf.readUInt32BE(0),
    id_len: buf.readUInt16BE(4),
    topic_len: buf.readUInt16BE(6),
    qos: buf.readUInt8(8),
    options: buf.readUInt8(9),
  };
}

/**
 * The bytes of a retain chunk: the store id in host order.
 * @tsonly the memory of the C struct, as fwrite() puts it in the file
 */
export function PF_retain__pack(chunk: PF_retain): Buffer {
  const buf = Buffer.alloc(sizeof_PF_retain);
  buf.writeBigUInt64LE(chunk.store_id, 0);
  return buf;
}

/* ---- read_e / write_e: stdio-like buffered access to the database file ---- */

/** Bytes read ahead of the caller, per open file (stdio's input buffer). */
interface read_ahead {
  buf: Buffer;
  start: number;
  end: number;
}

/** Bytes written but not yet handed to the kernel, per open file (stdio's output buffer). */
interface write_behind {
  parts: Buffer[];
  size: number;
}

const IO_BUFSIZE = 65536;
const readers = new WeakMap<FILE, read_ahead>();
const writers = new WeakMap<FILE, write_behind>();

/** The last error a file operation of the persistence code met (C: errno). */
let persist__errno: unknown = null;

/**
 * The text for the last file error, as the C messages print `strerror(errno)`. When the last
 * failure was a short read, C's errno is whatever an earlier call left there; the port says
 * "Success", what glibc gives for errno 0.
 * @tsonly libc errno/strerror stand-in
 */
export function persist__strerror(): string {
  return persist__errno === null ? 'Success' : strerror(persist__errno);
}

/**
 * Records a file error for persist__strerror.
 * @tsonly C functions set errno themselves
 */
export function persist__set_errno(err: unknown): void {
  persist__errno = err;
}

/**
 * Reads exactly `len` bytes from the file into a new buffer; null at end of file or on error
 * (the C read_e macro jumps to the caller's `error:` label instead).
 * @tsonly the read_e macro of persist.h and the fread() under it, with stdio's read-ahead
 */
export function read_e(f: FILE, len: number): Buffer | null {
  let ra = readers.get(f);
  if (!ra) {
    ra = { buf: Buffer.alloc(IO_BUFSIZE), start: 0, end: 0 };
    readers.set(f, ra);
  }
  const parts: Buffer[] = [];
  let got = 0;
  while (got < len) {
    if (ra.start === ra.end) {
      let n: number;
      try {
        n = readSync(f.fd, ra.buf, 0, ra.buf.length, f.pos);
      } catch (e) {
        persist__errno = e;
        return null;
      }
      if (n === 0) {
        f.eof = true;
        return null;
      }
      f.pos += n;
      ra.start = 0;
      ra.end = n;
    }
    const take = Math.min(len - got, ra.end - ra.start);
    parts.push(Buffer.from(ra.buf.subarray(ra.start, ra.start + take)));
    ra.start += take;
    got += take;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, len);
}

/**
 * Skips `len` bytes forward.
 * @tsonly fseek(f, len, SEEK_CUR), the read-ahead taken into account
 */
export function persist__fseek_cur(f: FILE, len: number): void {
  const ra = readers.get(f);
  const buffered = ra ? ra.end - ra.start : 0;
  if (ra && len <= buffered) {
    ra.start += len;
  } else {
    if (ra) {
      ra.start = ra.end = 0;
    }
    f.pos += len - buffered;
  }
}

/**
 * Appends bytes to the file; false if writing out the buffer failed (the C write_e macro jumps
 * to the caller's `error:` label instead).
 * @tsonly the write_e macro of persist.h and the fwrite() under it, with stdio's buffering
 */
export function write_e(f: FILE, data: Buffer): boolean {
  let wb = writers.get(f);
  if (!wb) {
    wb = { parts: [], size: 0 };
    writers.set(f, wb);
  }
  wb.parts.push(data);
  wb.size += data.length;
  if (wb.size >= IO_BUFSIZE) {
    return persist__fflush(f);
  }
  return true;
}

/**
 * Hands the buffered bytes to the kernel; false (and the error recorded) if that fails.
 * @tsonly fflush()
 */
export function persist__fflush(f: FILE): boolean {
  const wb = writers.get(f);
  if (!wb || wb.size === 0) return true;
  const data = wb.parts.length === 1 ? wb.parts[0] : Buffer.concat(wb.parts, wb.size);
  wb.parts = [];
  wb.size = 0;
  try {
    let off = 0;
    while (off < data.length) {
      off += writeSync(f.fd, data, off, data.length - off, f.pos + off);
    }
    f.pos += data.length;
  } catch (e) {
    persist__errno = e;
    return false;
  }
  return true;
}
