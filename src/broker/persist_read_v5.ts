/**
 * Chunk readers for database format versions 5 and 6 (src/persist_read_v5.c): each chunk's
 * fixed-size struct, then its strings, payload and MQTT 5 properties.
 *
 * The C functions fill a caller's struct; the port fills the chunk object it is given in the
 * same way, so the callers read as in C.
 *
 * The C `goto error` becomes a block labelled `error:` that the function leaves with
 * `break error`; what follows the block is the C code after the label.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR } from '../include/mosquitto.js';
import { CMD_PUBLISH, MQTT_MAX_PAYLOAD } from '../include/mqtt_protocol.js';
import type { FILE } from '../lib/misc_mosq.js';
import { packet__new } from '../lib/packet_mosq.js';
import { property__read_all } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { log__printf } from './logging.js';
import {
  PF_cfg__unpack,
  PF_client__unpack,
  PF_client_msg__unpack,
  PF_msg_store__unpack,
  PF_sub__unpack,
  persist__strerror,
  read_e,
  sizeof_PF_cfg,
  sizeof_PF_client,
  sizeof_PF_client_msg,
  sizeof_PF_client_v5,
  sizeof_PF_header,
  sizeof_PF_msg_store,
  sizeof_PF_retain,
  sizeof_PF_sub,
} from './persist.js';
import type { PF_cfg, P_client, P_client_msg, P_msg_store, P_retain, P_sub } from './persist.js';
import { persist__read_string_len } from './persist_read.js';

/**
 * Reads a chunk header: its type and length, both 32-bit big-endian. 1 at end of file.
 * @adapted the type and length come back in the result object (C: two out-parameters)
 */
export function persist__chunk_header_read_v56(db_fptr: FILE): { rc: number; chunk: number; length: number } {
  const header = read_e(db_fptr, sizeof_PF_header);
  if (!header) return { rc: 1, chunk: 0, length: 0 };

  return { rc: MOSQ_ERR_SUCCESS, chunk: header.readUInt32BE(0), length: header.readUInt32BE(4) };
}

/** Reads the cfg chunk's struct as it is. */
export function persist__chunk_cfg_read_v56(db_fptr: FILE, chunk: PF_cfg): number {
  const buf = read_e(db_fptr, sizeof_PF_cfg);
  if (!buf) {
    log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
    return 1;
  }
  Object.assign(chunk, PF_cfg__unpack(buf));

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a client chunk: the struct of the file's version (v5 has no username or listener port),
 * the client id and, when there is one, the username. Returns -1 for a client with an empty id,
 * which the caller skips.
 */
export function persist__chunk_client_read_v56(db_fptr: FILE, chunk: P_client, db_version: number): number {
  error: {
    let buf: Buffer | null;

    if (db_version === 6) {
      buf = read_e(db_fptr, sizeof_PF_client);
    } else if (db_version === 5) {
      buf = read_e(db_fptr, sizeof_PF_client_v5);
    } else {
      return 1;
    }
    if (!buf) break error;
    chunk.F = PF_client__unpack(buf);

    let r = persist__read_string_len(db_fptr, chunk.F.id_len);
    if (r.rc) {
      return 1;
    } else if (r.str === null) {
      return -1;
    }
    chunk.client_id = r.str;
    if (chunk.F.username_len > 0) {
      r = persist__read_string_len(db_fptr, chunk.F.username_len);
      if (r.rc || !r.str) {
        chunk.client_id = null;
        return 1;
      }
      chunk.username = r.str;
    }

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/**
 * Reads a client message chunk: the struct, the client id, then whatever the chunk length has
 * left as the message's MQTT 5 property block.
 */
export function persist__chunk_client_msg_read_v56(db_fptr: FILE, chunk: P_client_msg, length: number): number {
  error: {
    let properties: mosquitto_property[] | null = null;

    const buf = read_e(db_fptr, sizeof_PF_client_msg);
    if (!buf) break error;
    chunk.F = PF_client_msg__unpack(buf);

    length = (length - (sizeof_PF_client_msg + chunk.F.id_len)) >>> 0;

    const r = persist__read_string_len(db_fptr, chunk.F.id_len);
    if (r.rc) {
      return r.rc;
    }
    chunk.client_id = r.str;

    if (length > 0) {
      const prop_packet = packet__new();
      prop_packet.remaining_length = length;
      const payload = read_e(db_fptr, length);
      if (!payload) break error;
      prop_packet.payload = payload;
      const pr = property__read_all(CMD_PUBLISH, prop_packet);
      if (pr.rc) {
        return pr.rc;
      }
      properties = pr.properties;
    }
    chunk.properties = properties;

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/**
 * Reads a stored message chunk: the struct, the source client id and username, the topic, the
 * payload, then whatever the chunk length has left as the MQTT 5 property block. A payload
 * longer than MQTT allows is MOSQ_ERR_INVAL.
 */
export function persist__chunk_msg_store_read_v56(db_fptr: FILE, chunk: P_msg_store, length: number): number {
  error: {
    let properties: mosquitto_property[] | null = null;

    const buf = read_e(db_fptr, sizeof_PF_msg_store);
    if (!buf) break error;
    chunk.F = PF_msg_store__unpack(buf);
    if (chunk.F.payloadlen > MQTT_MAX_PAYLOAD) {
      return MOSQ_ERR_INVAL;
    }

    length = (length - (sizeof_PF_msg_store + chunk.F.payloadlen + chunk.F.source_id_len
      + chunk.F.source_username_len + chunk.F.topic_len)) >>> 0;

    if (chunk.F.source_id_len) {
      const r = persist__read_string_len(db_fptr, chunk.F.source_id_len);
      if (r.rc) {
        return r.rc;
      }
      chunk.source.id = r.str;
    }
    if (chunk.F.source_username_len) {
      const r = persist__read_string_len(db_fptr, chunk.F.source_username_len);
      if (r.rc) {
        chunk.source.id = null;
        return r.rc;
      }
      chunk.source.username = r.str;
    }
    const r = persist__read_string_len(db_fptr, chunk.F.topic_len);
    if (r.rc) {
      chunk.source.id = null;
      chunk.source.username = null;
      return r.rc;
    }
    chunk.topic = r.str;

    if (chunk.F.payloadlen > 0) {
      chunk.payload = read_e(db_fptr, chunk.F.payloadlen);
      if (!chunk.payload) break error;
    }

    if (length > 0) {
      const prop_packet = packet__new();
      prop_packet.remaining_length = length;
      const payload = read_e(db_fptr, length);
      if (!payload) break error;
      prop_packet.payload = payload;
      const pr = property__read_all(CMD_PUBLISH, prop_packet);
      if (pr.rc) {
        chunk.source.id = null;
        chunk.source.username = null;
        chunk.topic = null;
        return pr.rc;
      }
      properties = pr.properties;
    }
    chunk.properties = properties;

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  chunk.source.id = null;
  chunk.source.username = null;
  chunk.topic = null;
  return 1;
}

/** Reads a retain chunk: the store id of the retained message. */
export function persist__chunk_retain_read_v56(db_fptr: FILE, chunk: P_retain): number {
  const buf = read_e(db_fptr, sizeof_PF_retain);
  if (!buf) {
    log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
    return 1;
  }
  chunk.F.store_id = buf.readBigUInt64LE(0);
  return MOSQ_ERR_SUCCESS;
}

/** Reads a subscription chunk: the struct, the client id and the filter. */
export function persist__chunk_sub_read_v56(db_fptr: FILE, chunk: P_sub): number {
  error: {
    const buf = read_e(db_fptr, sizeof_PF_sub);
    if (!buf) break error;
    chunk.F = PF_sub__unpack(buf);

    let r = persist__read_string_len(db_fptr, chunk.F.id_len);
    if (r.rc) {
      return r.rc;
    }
    chunk.client_id = r.str;
    r = persist__read_string_len(db_fptr, chunk.F.topic_len);
    if (r.rc) {
      chunk.client_id = null;
      return r.rc;
    }
    chunk.topic = r.str;

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}
