/**
 * Chunk readers for the old database formats, versions 2 to 4 (src/persist_read_v234.c). These
 * files were written field by field: 16-bit chunk types, strings preceded by their length, no
 * MQTT 5 properties. Version 3 added a (now ignored) disconnect time to client chunks, version 4
 * the source username and port to stored messages.
 *
 * The C `goto error` becomes a block labelled `error:` that the function leaves with
 * `break error`; what follows the block is the C code after the label.
 * @module
 */
import { MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR } from '../include/mosquitto.js';
import type { FILE } from '../lib/misc_mosq.js';
import { log__printf } from './logging.js';
import { persist__strerror, read_e, sizeof_dbid_t } from './persist.js';
import type { PF_cfg, P_client, P_client_msg, P_msg_store, P_retain, P_sub } from './persist.js';
import { persist__read_string } from './persist_read.js';

/** sizeof(time_t) on the 64-bit hosts whose files the port reads. */
const sizeof_time_t = 8;

/**
 * Reads a chunk header: a 16-bit type and a 32-bit length, big-endian. 1 at end of file.
 * @adapted the type and length come back in the result object (C: two out-parameters)
 */
export function persist__chunk_header_read_v234(db_fptr: FILE): { rc: number; chunk: number; length: number } {
  const i16temp = read_e(db_fptr, 2);
  if (!i16temp) return { rc: 1, chunk: 0, length: 0 };
  const i32temp = read_e(db_fptr, 4);
  if (!i32temp) return { rc: 1, chunk: 0, length: 0 };

  return { rc: MOSQ_ERR_SUCCESS, chunk: i16temp.readUInt16BE(0), length: i32temp.readUInt32BE(0) };
}

/** Reads the cfg chunk: the shutdown flag, the size of a store id, the last store id. */
export function persist__chunk_cfg_read_v234(db_fptr: FILE, chunk: PF_cfg): number {
  error: {
    const shutdown = read_e(db_fptr, 1);
    if (!shutdown) break error;
    chunk.shutdown = shutdown[0];
    const dbid_size = read_e(db_fptr, 1);
    if (!dbid_size) break error;
    chunk.dbid_size = dbid_size[0];
    const last_db_id = read_e(db_fptr, sizeof_dbid_t);
    if (!last_db_id) break error;
    chunk.last_db_id = last_db_id.readBigUInt64LE(0);

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/** Reads a client chunk: the client id, the last message id and, after version 2, a disconnect time that is not used. */
export function persist__chunk_client_read_v234(db_fptr: FILE, chunk: P_client, db_version: number): number {
  error: {
    const r = persist__read_string(db_fptr);
    if (r.rc) {
      return r.rc;
    }
    chunk.client_id = r.str;

    const i16temp = read_e(db_fptr, 2);
    if (!i16temp) break error;
    chunk.F.last_mid = i16temp.readUInt16BE(0);
    if (db_version !== 2) {
      if (!read_e(db_fptr, sizeof_time_t)) break error;
    }

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  chunk.client_id = null;
  return 1;
}

/** Reads a client message chunk: client id, store id, message id, QoS, retain, direction, state and dup. */
export function persist__chunk_client_msg_read_v234(db_fptr: FILE, chunk: P_client_msg): number {
  error: {
    const r = persist__read_string(db_fptr);
    if (r.rc) {
      return r.rc;
    }
    chunk.client_id = r.str;

    const buf = read_e(db_fptr, sizeof_dbid_t + 2 + 5);
    if (!buf) break error;
    chunk.F.store_id = buf.readBigUInt64LE(0);
    chunk.F.mid = buf.readUInt16BE(8);
    chunk.F.qos = buf[10];
    const retain = buf[11];
    chunk.F.direction = buf[12];
    chunk.F.state = buf[13];
    const dup = buf[14];

    chunk.F.retain_dup = ((retain & 0x0f) << 4) | (dup & 0x0f);

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  chunk.client_id = null;
  return 1;
}

/**
 * Reads a stored message chunk: store id, source client id (and, in version 4, source username
 * and port), source message id, an unused message id, topic, QoS, retain, payload length and
 * payload.
 */
export function persist__chunk_msg_store_read_v234(db_fptr: FILE, chunk: P_msg_store, db_version: number): number {
  error: {
    const store_id = read_e(db_fptr, sizeof_dbid_t);
    if (!store_id) break error;
    chunk.F.store_id = store_id.readBigUInt64LE(0);

    let r = persist__read_string(db_fptr);
    if (r.rc) {
      return r.rc;
    }
    chunk.source.id = r.str;
    if (db_version === 4) {
      r = persist__read_string(db_fptr);
      if (r.rc) {
        chunk.source.id = null;
        return r.rc;
      }
      chunk.source.username = r.str;
      const i16temp = read_e(db_fptr, 2);
      if (!i16temp) break error;
      chunk.F.source_port = i16temp.readUInt16BE(0);
    }

    const mids = read_e(db_fptr, 4);
    if (!mids) break error;
    chunk.F.source_mid = mids.readUInt16BE(0);
    /* The second one is the message's own mid, which is not kept. */

    r = persist__read_string(db_fptr);
    if (r.rc) {
      chunk.source.id = null;
      chunk.source.username = null;
      return r.rc;
    }
    chunk.topic = r.str;

    const fixed = read_e(db_fptr, 6);
    if (!fixed) break error;
    chunk.F.qos = fixed[0];
    chunk.F.retain = fixed[1];
    chunk.F.payloadlen = fixed.readUInt32BE(2);

    if (chunk.F.payloadlen) {
      chunk.payload = read_e(db_fptr, chunk.F.payloadlen);
      if (!chunk.payload) break error;
    }

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  chunk.source.id = null;
  chunk.source.username = null;
  return 1;
}

/** Reads a retain chunk: the store id of the retained message. */
export function persist__chunk_retain_read_v234(db_fptr: FILE, chunk: P_retain): number {
  const i64temp = read_e(db_fptr, sizeof_dbid_t);
  if (!i64temp) {
    log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
    return 1;
  }
  chunk.F.store_id = i64temp.readBigUInt64LE(0);
  return MOSQ_ERR_SUCCESS;
}

/** Reads a subscription chunk: client id, filter and QoS. */
export function persist__chunk_sub_read_v234(db_fptr: FILE, chunk: P_sub): number {
  let r = persist__read_string(db_fptr);
  if (r.rc) {
    return r.rc;
  }
  chunk.client_id = r.str;
  r = persist__read_string(db_fptr);
  if (r.rc) {
    chunk.client_id = null;
    return r.rc;
  }
  chunk.topic = r.str;

  const qos = read_e(db_fptr, 1);
  if (!qos) {
    log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
    chunk.client_id = null;
    chunk.topic = null;
    return 1;
  }
  chunk.F.qos = qos[0];

  return MOSQ_ERR_SUCCESS;
}
