/**
 * Restoring the broker's state from the persistence file at start-up (src/persist_read.c):
 * stored messages first, then clients with their queued and in-flight messages, subscriptions
 * and retained messages, each chunk read by the reader for the file's format version (2 to 4 in
 * persist_read_v234.ts, 5 and 6 in persist_read_v5.ts).
 *
 * Reading is synchronous, as in C: it happens once, inside db__open, before any listener opens.
 * @module
 */
import { closeSync } from 'node:fs';
import { MOSQ_ERR_INVAL, MOSQ_ERR_NOMEM, MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR, MOSQ_LOG_WARNING } from '../include/mosquitto.js';
import { DL_APPEND } from '../deps/utlist.js';
import { mosquitto__fopen } from '../lib/misc_mosq.js';
import type { FILE } from '../lib/misc_mosq.js';
import { mosq_md_in, mosq_md_out, mosq_ms_queued } from '../lib/mosquitto_internal.js';
import type { mosquitto, mosquitto_msg_data } from '../lib/mosquitto_internal.js';
import { context__init } from './context.js';
import { db__message_store, db__msg_store_new, db__msg_store_ref_inc } from './database.js';
import { log__printf } from './logging.js';
import { db, mosq_mo_client } from './mosquitto_broker_internal.js';
import type { mosquitto_client_msg, mosquitto_msg_store_load } from './mosquitto_broker_internal.js';
import {
  DB_CHUNK_CFG,
  DB_CHUNK_CLIENT,
  DB_CHUNK_CLIENT_MSG,
  DB_CHUNK_MSG_STORE,
  DB_CHUNK_RETAIN,
  DB_CHUNK_SUB,
  MOSQ_DB_VERSION,
  P_client__new,
  P_client_msg__new,
  P_msg_store__new,
  P_retain__new,
  P_sub__new,
  persist__fseek_cur,
  persist__set_errno,
  persist__strerror,
  read_e,
  sizeof_dbid_t,
} from './persist.js';
import type { PF_cfg, P_client_msg } from './persist.js';
import {
  persist__chunk_cfg_read_v234,
  persist__chunk_client_msg_read_v234,
  persist__chunk_client_read_v234,
  persist__chunk_header_read_v234,
  persist__chunk_msg_store_read_v234,
  persist__chunk_retain_read_v234,
  persist__chunk_sub_read_v234,
} from './persist_read_v234.js';
import {
  persist__chunk_cfg_read_v56,
  persist__chunk_client_msg_read_v56,
  persist__chunk_client_read_v56,
  persist__chunk_header_read_v56,
  persist__chunk_msg_store_read_v56,
  persist__chunk_retain_read_v56,
  persist__chunk_sub_read_v56,
} from './persist_read_v5.js';
import { retain__store } from './retain.js';
import { sub__add } from './subs.js';
import { sub__topic_tokenise } from './topic_tok.js';

/**
 * The format version of the file being read (C: the global `uint32_t db_version`, which db_dump
 * sets too).
 * @adapted a holder object, since importers cannot assign an ES module's binding
 */
export const db_version = { value: 0 };

/** The 15 bytes every database file starts with. */
export const magic = Buffer.from([0x00, 0xb5, 0x00, 0x6d, 0x6f, 0x73, 0x71, 0x75, 0x69, 0x74, 0x74, 0x6f, 0x20, 0x64, 0x62]);

/** What persist__read_string_len and persist__read_string give back. */
export interface persist__read_string_result {
  rc: number;
  /** null for a zero length */
  str: string | null;
}

/**
 * The context of a client named in the file: the one already known, or a new offline one with
 * a persistent session. A non-zero `last_mid` replaces the context's.
 * @adapted the context comes from context__init(null), the port's INVALID_SOCKET
 */
function persist__find_or_add_context(client_id: string | null, last_mid: number): mosquitto | null {
  let context: mosquitto | null;

  if (!client_id) return null;

  context = db.contexts_by_id.get(client_id) ?? null;
  if (!context) {
    context = context__init(null);
    if (!context) return null;
    context.id = client_id;

    context.clean_start = false;

    db.contexts_by_id.set(context.id, context);
  }
  if (last_mid) {
    context.last_mid = last_mid;
  }
  return context;
}

/**
 * Reads a string of `len` bytes; a zero length gives null. A short read is MOSQ_ERR_NOMEM, as
 * in C. The string ends at the first NUL byte, if any, as the C string does.
 * @adapted the string comes back in the result object (C: an out-parameter)
 */
export function persist__read_string_len(db_fptr: FILE, len: number): persist__read_string_result {
  let s: string | null = null;

  if (len) {
    const buf = read_e(db_fptr, len);
    if (!buf) {
      return { rc: MOSQ_ERR_NOMEM, str: null };
    }
    /* mosquitto 2.0.11 can write a username of stale bytes after a NUL (see persist__client_save). */
    const nul = buf.indexOf(0);
    s = buf.toString('utf8', 0, nul < 0 ? buf.length : nul);
  }

  return { rc: MOSQ_ERR_SUCCESS, str: s };
}

/**
 * Reads a string preceded by its 16-bit big-endian length (the version 2-4 layout).
 * @adapted the string comes back in the result object (C: an out-parameter)
 */
export function persist__read_string(db_fptr: FILE): persist__read_string_result {
  const i16temp = read_e(db_fptr, 2);
  if (!i16temp) {
    return { rc: MOSQ_ERR_INVAL, str: null };
  }

  const slen = i16temp.readUInt16BE(0);
  return persist__read_string_len(db_fptr, slen);
}

/**
 * Puts a message read from the file back into its client's incoming or outgoing queue: in flight
 * unless it was queued or the in-flight window is full. A message whose store entry is not
 * loaded (it had expired) is skipped.
 */
function persist__client_msg_restore(chunk: P_client_msg): number {
  let msg_data: mosquitto_msg_data;

  const load = db.msg_store_load.get(Number(chunk.F.store_id));
  if (!load) {
    /* The stored message is gone, most likely expired. */
    return MOSQ_ERR_SUCCESS;
  }

  const context = persist__find_or_add_context(chunk.client_id, 0);
  if (!context) {
    log__printf(null, MOSQ_LOG_WARNING, 'Warning: Persistence file contains client message with no matching client. File may be corrupt.');
    return 0;
  }

  const cmsg: mosquitto_client_msg = {
    prev: null,
    next: null,
    store: load.store,
    properties: chunk.properties,
    timestamp: 0,
    mid: chunk.F.mid,
    qos: chunk.F.qos,
    retain: ((chunk.F.retain_dup & 0xf0) >> 4) !== 0,
    direction: chunk.F.direction === mosq_md_out ? mosq_md_out : mosq_md_in,
    state: chunk.F.state as mosquitto_client_msg['state'],
    dup: (chunk.F.retain_dup & 0x0f) !== 0,
  };

  db__msg_store_ref_inc(cmsg.store);

  if (cmsg.direction === mosq_md_out) {
    msg_data = context.msgs_out;
  } else {
    msg_data = context.msgs_in;
  }

  if (chunk.F.state === mosq_ms_queued || (chunk.F.qos > 0 && msg_data.inflight_quota === 0)) {
    msg_data.queued = DL_APPEND(msg_data.queued, cmsg);
  } else {
    msg_data.inflight = DL_APPEND(msg_data.inflight, cmsg);
    if (chunk.F.qos > 0 && msg_data.inflight_quota > 0) {
      msg_data.inflight_quota--;
    }
  }
  msg_data.msg_count++;
  msg_data.msg_bytes += cmsg.store.payloadlen;
  if (chunk.F.qos > 0) {
    msg_data.msg_count12++;
    msg_data.msg_bytes12 += cmsg.store.payloadlen;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a client chunk and restores the client: its session expiry, last message id, username
 * and (with per_listener_settings) the listener with the port it last used.
 */
function persist__client_chunk_restore(db_fptr: FILE): number {
  let rc: number;

  const chunk = P_client__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_client_read_v56(db_fptr, chunk, db_version.value);
  } else {
    rc = persist__chunk_client_read_v234(db_fptr, chunk, db_version.value);
  }
  if (rc > 0) {
    return rc;
  } else if (rc < 0) {
    /* Skipped, but the rest of the file is still good. */
    log__printf(null, MOSQ_LOG_WARNING, 'Warning: Empty client entry found in persistence database, it may be corrupt.');
    return MOSQ_ERR_SUCCESS;
  }

  const context = persist__find_or_add_context(chunk.client_id, chunk.F.last_mid);
  if (context) {
    context.session_expiry_time = Number(chunk.F.session_expiry_time);
    context.session_expiry_interval = chunk.F.session_expiry_interval;
    if (chunk.username && !context.username) {
      context.username = chunk.username;
      chunk.username = null;
    }
    /* With per_listener_settings the client belongs to the listener on the port it used. */
    const config = db.config!;
    if (config.per_listener_settings && !context.listener && chunk.F.listener_port > 0) {
      for (let i = 0; i < config.listener_count; i++) {
        if (config.listeners[i].port === chunk.F.listener_port) {
          context.listener = config.listeners[i];
          break;
        }
      }
    }
    /* As in C, a session that has already expired is not dropped here. */
  } else {
    rc = 1;
  }

  return rc;
}

/** Reads a client message chunk and puts the message back in its client's queue. */
function persist__client_msg_chunk_restore(db_fptr: FILE, length: number): number {
  let rc: number;

  const chunk = P_client_msg__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_client_msg_read_v56(db_fptr, chunk, length);
  } else {
    rc = persist__chunk_client_msg_read_v234(db_fptr, chunk);
  }
  if (rc) {
    return rc;
  }

  rc = persist__client_msg_restore(chunk);

  return rc;
}

/**
 * Reads a stored message chunk and puts the message back in the store under its old id, with
 * the expiry interval it has left; a message that has expired meanwhile is dropped. The
 * message's source listener is the listener with the port it came in on, if any.
 * @adapted the publisher stand-in handed to db__message_store comes from context__init(null)
 *   (C: the zeroed struct mosquitto inside the chunk)
 */
function persist__msg_store_chunk_restore(db_fptr: FILE, length: number): number {
  let message_expiry_interval: number;
  let rc: number;

  const chunk = P_msg_store__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_msg_store_read_v56(db_fptr, chunk, length);
  } else {
    rc = persist__chunk_msg_store_read_v234(db_fptr, chunk, db_version.value);
  }
  if (rc) {
    return rc;
  }

  const config = db.config!;
  if (chunk.F.source_port) {
    for (let i = 0; i < config.listener_count; i++) {
      if (config.listeners[i].port === chunk.F.source_port) {
        chunk.source.listener = config.listeners[i];
        break;
      }
    }
  }

  if (chunk.F.expiry_time > 0n) {
    const message_expiry_interval64 = Number(chunk.F.expiry_time) - Math.floor(Date.now() / 1000);
    if (message_expiry_interval64 < 0 || message_expiry_interval64 > 0xffffffff) {
      /* Expired while the broker was down. */
      return MOSQ_ERR_SUCCESS;
    } else {
      message_expiry_interval = message_expiry_interval64;
    }
  } else {
    message_expiry_interval = 0;
  }

  const stored = db__msg_store_new();

  stored.source_mid = chunk.F.source_mid;
  stored.topic = chunk.topic;
  stored.qos = chunk.F.qos;
  stored.payloadlen = chunk.F.payloadlen;
  stored.retain = chunk.F.retain !== 0;
  stored.properties = chunk.properties;
  if (chunk.payload) {
    stored.payload = chunk.payload;
  }

  const source = context__init(null);
  if (!source) return MOSQ_ERR_NOMEM;
  source.id = chunk.source.id;
  source.username = chunk.source.username;
  source.listener = chunk.source.listener;
  rc = db__message_store(source, stored, message_expiry_interval, Number(chunk.F.store_id), mosq_mo_client);

  chunk.source.id = null;
  chunk.source.username = null;

  if (rc === MOSQ_ERR_SUCCESS) {
    stored.source_listener = chunk.source.listener;
    const load: mosquitto_msg_store_load = { db_id: stored.db_id, store: stored };

    db.msg_store_load.set(load.db_id, load);
    return MOSQ_ERR_SUCCESS;
  } else {
    return rc;
  }
}

/** Reads a retain chunk and makes the message it names the retained message of its topic. */
function persist__retain_chunk_restore(db_fptr: FILE): number {
  let rc: number;

  const chunk = P_retain__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_retain_read_v56(db_fptr, chunk);
  } else {
    rc = persist__chunk_retain_read_v234(db_fptr, chunk);
  }
  if (rc) {
    return rc;
  }

  const load = db.msg_store_load.get(Number(chunk.F.store_id));
  if (load) {
    const tokens = sub__topic_tokenise(load.store.topic!);
    if (tokens.rc) return 1;
    retain__store(load.store.topic!, load.store, tokens.topics);
  } else {
    /* The stored message is gone, most likely expired. */
  }
  return MOSQ_ERR_SUCCESS;
}

/** Reads a subscription chunk and subscribes its client again. */
function persist__sub_chunk_restore(db_fptr: FILE): number {
  let rc: number;

  const chunk = P_sub__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_sub_read_v56(db_fptr, chunk);
  } else {
    rc = persist__chunk_sub_read_v234(db_fptr, chunk);
  }
  if (rc) {
    return rc;
  }

  rc = persist__restore_sub(chunk.client_id, chunk.topic, chunk.F.qos, chunk.F.identifier, chunk.F.options);

  return rc;
}

/**
 * Reads the next chunk header in the layout of the file's version.
 * @adapted the type and length come back in the result object (C: two out-parameters)
 */
export function persist__chunk_header_read(db_fptr: FILE): { rc: number; chunk: number; length: number } {
  if (db_version.value === 6 || db_version.value === 5) {
    return persist__chunk_header_read_v56(db_fptr);
  } else {
    return persist__chunk_header_read_v234(db_fptr);
  }
}

/**
 * Loads the persistence file, if persistence is on and the file exists: checks the magic and the
 * version (2 to 6), then restores chunk after chunk until the end of the file. An empty file is
 * only a warning; a bad header, an unsupported version or a damaged chunk is 1, which stops the
 * broker.
 * @adapted synchronous reads of the whole file at start-up, as C's fread() loop
 */
export function persist__restore(): number {
  let rc = 0;

  if (!db.config!.persistence || db.config!.persistence_filepath === null) {
    return MOSQ_ERR_SUCCESS;
  }

  db.msg_store_load = new Map();

  const fptr = mosquitto__fopen(db.config!.persistence_filepath, 'rb', false);
  if (fptr === null) return MOSQ_ERR_SUCCESS;
  const header = read_e(fptr, 15);
  if (header === null && fptr.pos === 0 && fptr.eof) {
    closeSync(fptr.fd);
    log__printf(null, MOSQ_LOG_WARNING, 'Warning: Persistence file is empty.');
    return 0;
  } else if (header === null) {
    return error(fptr);
  }
  if (header.equals(magic)) {
    /* The file is a mosquitto database. */
    if (read_e(fptr, 4) === null) return error(fptr);
    const i32temp = read_e(fptr, 4);
    if (i32temp === null) return error(fptr);
    db_version.value = i32temp.readUInt32BE(0);
    /* Which older formats can still be read. */
    if (db_version.value !== MOSQ_DB_VERSION) {
      if (db_version.value === 5) {
        /* v6 added the username and listener port to the client chunk */
      } else if (db_version.value === 4) {
        /* nothing to adjust */
      } else if (db_version.value === 3) {
        /* v4 added the source username and port to the message store chunk */
      } else if (db_version.value === 2) {
        /* v3 added disconnect_t to the client chunk */
      } else {
        closeSync(fptr.fd);
        log__printf(null, MOSQ_LOG_ERR, `Error: Unsupported persistent database format version ${db_version.value | 0} (need version ${MOSQ_DB_VERSION}).`);
        return 1;
      }
    }

    for (;;) {
      const h = persist__chunk_header_read(fptr);
      if (h.rc !== MOSQ_ERR_SUCCESS) break;
      const { chunk, length } = h;
      switch (chunk) {
        case DB_CHUNK_CFG: {
          const cfg_chunk: PF_cfg = { last_db_id: 0n, shutdown: 0, dbid_size: 0 };
          if (db_version.value === 6 || db_version.value === 5) {
            if (persist__chunk_cfg_read_v56(fptr, cfg_chunk)) {
              closeSync(fptr.fd);
              return 1;
            }
          } else {
            if (persist__chunk_cfg_read_v234(fptr, cfg_chunk)) {
              closeSync(fptr.fd);
              return 1;
            }
          }
          if (cfg_chunk.dbid_size !== sizeof_dbid_t) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Incompatible database configuration (dbid size is ${cfg_chunk.dbid_size} bytes, expected ${sizeof_dbid_t})`);
            closeSync(fptr.fd);
            return 1;
          }
          db.last_db_id = Number(cfg_chunk.last_db_id);
          break;
        }

        case DB_CHUNK_MSG_STORE:
          if (persist__msg_store_chunk_restore(fptr, length)) {
            closeSync(fptr.fd);
            return 1;
          }
          break;

        case DB_CHUNK_CLIENT_MSG:
          if (persist__client_msg_chunk_restore(fptr, length)) {
            closeSync(fptr.fd);
            return 1;
          }
          break;

        case DB_CHUNK_RETAIN:
          if (persist__retain_chunk_restore(fptr)) {
            closeSync(fptr.fd);
            return 1;
          }
          break;

        case DB_CHUNK_SUB:
          if (persist__sub_chunk_restore(fptr)) {
            closeSync(fptr.fd);
            return 1;
          }
          break;

        case DB_CHUNK_CLIENT:
          if (persist__client_chunk_restore(fptr)) {
            closeSync(fptr.fd);
            return 1;
          }
          break;

        default:
          log__printf(null, MOSQ_LOG_WARNING, `Warning: Unsupported chunk "${chunk | 0}" in persistent database file. Ignoring.`);
          persist__fseek_cur(fptr, length);
          break;
      }
    }
  } else {
    log__printf(null, MOSQ_LOG_ERR, 'Error: Unable to restore persistent database. Unrecognised file format.');
    rc = 1;
  }

  closeSync(fptr.fd);

  db.msg_store_load.clear();
  return rc;
}

/**
 * The `error:` exit of persist__restore: logs the last file error, closes the file, returns 1.
 * @tsonly the C function ends in an `error:` label
 */
function error(fptr: FILE): number {
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  try {
    closeSync(fptr.fd);
  } catch (e) {
    persist__set_errno(e);
  }
  return 1;
}

/** Subscribes a client named in the file (adding it if it is new) to a filter again. */
function persist__restore_sub(client_id: string | null, sub: string | null, qos: number, identifier: number, options: number): number {
  const context = persist__find_or_add_context(client_id, 0);
  if (!context) return 1;
  return sub__add(context, sub!, qos, identifier, options, db.subs!);
}
