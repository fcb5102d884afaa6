/**
 * Chunk writers of the current database format, version 6 (src/persist_write_v5.c): each chunk
 * is its header, its fixed-size struct, then its strings, payload and MQTT 5 property block.
 *
 * C converts the struct's fields to network byte order in place before writing the struct's
 * memory; the port's `*__pack` helpers (persist.ts) lay the same bytes out, so the caller's chunk
 * keeps its values.
 *
 * The C `goto error` becomes a block labelled `error:` that the function leaves with
 * `break error`; what follows the block is the C code after the label.
 * @module
 */
import { MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR } from '../include/mosquitto.js';
import type { FILE } from '../lib/misc_mosq.js';
import { packet__new } from '../lib/packet_mosq.js';
import { property__get_remaining_length, property__write_all } from '../lib/property_mosq.js';
import { log__printf } from './logging.js';
import {
  DB_CHUNK_CFG,
  DB_CHUNK_CLIENT,
  DB_CHUNK_CLIENT_MSG,
  DB_CHUNK_MSG_STORE,
  DB_CHUNK_RETAIN,
  DB_CHUNK_SUB,
  PF_cfg__pack,
  PF_client__pack,
  PF_client_msg__pack,
  PF_header__pack,
  PF_msg_store__pack,
  PF_retain__pack,
  PF_sub__pack,
  persist__strerror,
  sizeof_PF_cfg,
  sizeof_PF_client,
  sizeof_PF_client_msg,
  sizeof_PF_msg_store,
  sizeof_PF_retain,
  sizeof_PF_sub,
  write_e,
} from './persist.js';
import type { PF_cfg, PF_header, P_client, P_client_msg, P_msg_store, P_retain, P_sub } from './persist.js';

/** Writes the cfg chunk. */
export function persist__chunk_cfg_write_v6(db_fptr: FILE, chunk: PF_cfg): number {
  error: {
    const header: PF_header = { chunk: DB_CHUNK_CFG, length: sizeof_PF_cfg };
    if (!write_e(db_fptr, PF_header__pack(header))) break error;
    if (!write_e(db_fptr, PF_cfg__pack(chunk))) break error;

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/** Writes a client chunk: struct, client id, and the username when there is one. */
export function persist__chunk_client_write_v6(db_fptr: FILE, chunk: P_client): number {
  error: {
    const id_len = chunk.F.id_len;
    const username_len = chunk.F.username_len;

    const header: PF_header = { chunk: DB_CHUNK_CLIENT, length: sizeof_PF_client + id_len + username_len };

    if (!write_e(db_fptr, PF_header__pack(header))) break error;
    if (!write_e(db_fptr, PF_client__pack(chunk.F))) break error;

    if (!write_e(db_fptr, Buffer.from(chunk.client_id!, 'utf8'))) break error;
    if (username_len > 0) {
      if (!write_e(db_fptr, Buffer.from(chunk.username!, 'utf8'))) break error;
    }

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/** Writes a client message chunk: struct, client id, and the message's property block if it has properties. */
export function persist__chunk_client_msg_write_v6(db_fptr: FILE, chunk: P_client_msg): number {
  error: {
    const id_len = chunk.F.id_len;
    let proplen = 0;

    if (chunk.properties) {
      proplen += property__get_remaining_length(chunk.properties);
    }

    const header: PF_header = { chunk: DB_CHUNK_CLIENT_MSG, length: sizeof_PF_client_msg + id_len + proplen };

    if (!write_e(db_fptr, PF_header__pack(header))) break error;
    if (!write_e(db_fptr, PF_client_msg__pack(chunk.F))) break error;
    if (!write_e(db_fptr, Buffer.from(chunk.client_id!, 'utf8'))) break error;
    if (chunk.properties) {
      if (proplen > 0) {
        const prop_packet = packet__new();
        prop_packet.remaining_length = proplen;
        prop_packet.packet_length = proplen;
        prop_packet.payload = Buffer.alloc(proplen);
        const rc = property__write_all(prop_packet, chunk.properties, true);
        if (rc) {
          return rc;
        }

        if (!write_e(db_fptr, prop_packet.payload)) break error;
      }
    }

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/**
 * Writes a stored message chunk: struct, source client id and username (when set), topic,
 * payload, and the property block if the message has properties.
 */
export function persist__chunk_message_store_write_v6(db_fptr: FILE, chunk: P_msg_store): number {
  error: {
    const payloadlen = chunk.F.payloadlen;
    const source_id_len = chunk.F.source_id_len;
    const source_username_len = chunk.F.source_username_len;
    const topic_len = chunk.F.topic_len;
    let proplen = 0;

    if (chunk.properties) {
      proplen += property__get_remaining_length(chunk.properties);
    }

    const header: PF_header = {
      chunk: DB_CHUNK_MSG_STORE,
      length: sizeof_PF_msg_store + topic_len + payloadlen + source_id_len + source_username_len + proplen,
    };

    if (!write_e(db_fptr, PF_header__pack(header))) break error;
    if (!write_e(db_fptr, PF_msg_store__pack(chunk.F))) break error;
    if (source_id_len) {
      if (!write_e(db_fptr, Buffer.from(chunk.source.id!, 'utf8'))) break error;
    }
    if (source_username_len) {
      if (!write_e(db_fptr, Buffer.from(chunk.source.username!, 'utf8'))) break error;
    }
    if (!write_e(db_fptr, Buffer.from(chunk.topic!, 'utf8'))) break error;
    if (payloadlen) {
      if (!write_e(db_fptr, chunk.payload!.subarray(0, payloadlen))) break error;
    }
    if (chunk.properties) {
      if (proplen > 0) {
        const prop_packet = packet__new();
        prop_packet.remaining_length = proplen;
        prop_packet.packet_length = proplen;
        prop_packet.payload = Buffer.alloc(proplen);
        const rc = property__write_all(prop_packet, chunk.properties, true);
        if (rc) {
          return rc;
        }

        if (!write_e(db_fptr, prop_packet.payload)) break error;
      }
    }

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/** Writes a retain chunk. */
export function persist__chunk_retain_write_v6(db_fptr: FILE, chunk: P_retain): number {
  error: {
    const header: PF_header = { chunk: DB_CHUNK_RETAIN, length: sizeof_PF_retain };

    if (!write_e(db_fptr, PF_header__pack(header))) break error;
    if (!write_e(db_fptr, PF_retain__pack(chunk.F))) break error;

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}

/** Writes a subscription chunk: struct, client id, filter. */
export function persist__chunk_sub_write_v6(db_fptr: FILE, chunk: P_sub): number {
  error: {
    const id_len = chunk.F.id_len;
    const topic_len = chunk.F.topic_len;

    const header: PF_header = { chunk: DB_CHUNK_SUB, length: sizeof_PF_sub + id_len + topic_len };

    if (!write_e(db_fptr, PF_header__pack(header))) break error;
    if (!write_e(db_fptr, PF_sub__pack(chunk.F))) break error;
    if (!write_e(db_fptr, Buffer.from(chunk.client_id!, 'utf8'))) break error;
    if (!write_e(db_fptr, Buffer.from(chunk.topic!, 'utf8'))) break error;

    return MOSQ_ERR_SUCCESS;
  }
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  return 1;
}
