/**
 * Saving the broker's state to the persistence file (src/persist_write.c): on a clean stop, on
 * SIGUSR1, and every `autosave_interval` seconds (or changes, with `autosave_on_changes`).
 *
 * The file is written to `<persistence_filepath>.new`, flushed and fsync'ed, then renamed over
 * the old file, so a crash mid-save leaves the previous database intact. Chunks go in this order:
 * cfg, stored messages, clients (each followed by its queued and in-flight messages),
 * subscriptions, retained messages.
 * @module
 */
import { closeSync, fsyncSync, renameSync, unlinkSync } from 'node:fs';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR, MOSQ_LOG_INFO } from '../include/mosquitto.js';
import { mosquitto__fopen } from '../lib/misc_mosq.js';
import type { FILE } from '../lib/misc_mosq.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';
import type { mosquitto__retainhier, mosquitto__subhier, mosquitto_client_msg } from './mosquitto_broker_internal.js';
import {
  P_client__new,
  P_client_msg__new,
  P_msg_store__new,
  P_retain__new,
  P_sub__new,
  persist__fflush,
  persist__set_errno,
  persist__strerror,
  sizeof_dbid_t,
  write_e,
  MOSQ_DB_VERSION,
} from './persist.js';
import type { PF_cfg } from './persist.js';
import { magic } from './persist_read.js';
import {
  persist__chunk_cfg_write_v6,
  persist__chunk_client_msg_write_v6,
  persist__chunk_client_write_v6,
  persist__chunk_message_store_write_v6,
  persist__chunk_retain_write_v6,
  persist__chunk_sub_write_v6,
} from './persist_write_v5.js';

/**
 * Writes one chunk per message of a client's queue. A `$SYS` message held by nobody else was not
 * saved in the store, so its client message is skipped too.
 */
function persist__client_messages_save(db_fptr: FILE, context: mosquitto, queue: mosquitto_client_msg | null): number {
  let rc: number;

  const chunk = P_client_msg__new();

  let cmsg = queue;
  while (cmsg) {
    if (cmsg.store.topic!.startsWith('$SYS')
        && cmsg.store.ref_count <= 1
        && cmsg.store.dest_id_count === 0) {
      /* Its stored message is not in the file, so neither can this be. */
      cmsg = cmsg.next;
      continue;
    }

    chunk.F.store_id = BigInt(cmsg.store.db_id);
    chunk.F.mid = cmsg.mid;
    chunk.F.id_len = Buffer.byteLength(context.id!);
    chunk.F.qos = cmsg.qos;
    chunk.F.retain_dup = ((Number(cmsg.retain) & 0x0f) << 4) | (Number(cmsg.dup) & 0x0f);
    chunk.F.direction = cmsg.direction;
    chunk.F.state = cmsg.state;
    chunk.client_id = context.id;
    chunk.properties = cmsg.properties;

    rc = persist__chunk_client_msg_write_v6(db_fptr, chunk);
    if (rc) {
      return rc;
    }

    cmsg = cmsg.next;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes one chunk per stored message that somebody still holds. `$SYS` messages held only as
 * retained messages are left out; others are saved without their retain flag, so a restart does
 * not bring back stale `$SYS` values.
 */
function persist__message_store_save(db_fptr: FILE): number {
  let rc: number;

  const chunk = P_msg_store__new();

  let stored = db.msg_store;
  while (stored) {
    if (stored.ref_count < 1 || stored.topic === null) {
      stored = stored.next;
      continue;
    }

    if (stored.topic.startsWith('$SYS')) {
      if (stored.ref_count <= 1 && stored.dest_id_count === 0) {
        /* Only retained: not worth keeping. */
        stored = stored.next;
        continue;
      }
      /* A durable client may still have it queued, but it must not come back retained. */
      chunk.F.retain = 0;
    } else {
      chunk.F.retain = Number(stored.retain);
    }

    chunk.F.store_id = BigInt(stored.db_id);
    chunk.F.expiry_time = BigInt(Math.trunc(stored.message_expiry_time));
    chunk.F.payloadlen = stored.payloadlen;
    chunk.F.source_mid = stored.source_mid;
    if (stored.source_id) {
      chunk.F.source_id_len = Buffer.byteLength(stored.source_id);
      chunk.source.id = stored.source_id;
    } else {
      chunk.F.source_id_len = 0;
      chunk.source.id = null;
    }
    if (stored.source_username) {
      chunk.F.source_username_len = Buffer.byteLength(stored.source_username);
      chunk.source.username = stored.source_username;
    } else {
      chunk.F.source_username_len = 0;
      chunk.source.username = null;
    }

    chunk.F.topic_len = Buffer.byteLength(stored.topic);
    chunk.topic = stored.topic;

    if (stored.source_listener) {
      chunk.F.source_port = stored.source_listener.port;
    } else {
      chunk.F.source_port = 0;
    }
    chunk.F.qos = stored.qos;
    chunk.payload = stored.payload;
    chunk.properties = stored.properties;

    rc = persist__chunk_message_store_write_v6(db_fptr, chunk);
    if (rc) {
      return rc;
    }
    stored = stored.next;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes a chunk for every client with a persistent session, each followed by the messages of
 * its four queues (incoming in flight, incoming queued, outgoing in flight, outgoing queued).
 * @adapted the chunk is cleared for each client: C reuses one chunk, so a client without a
 *   username or listener would inherit the previous client's (byte-swapped) lengths and port
 */
function persist__client_save(db_fptr: FILE): number {
  let rc: number;

  for (const context of db.contexts_by_id.values()) {
    if (context && context.clean_start === false) {
      const chunk = P_client__new();
      chunk.F.session_expiry_time = BigInt(Math.trunc(context.session_expiry_time));
      chunk.F.session_expiry_interval = context.session_expiry_interval;
      chunk.F.last_mid = context.last_mid;
      chunk.F.id_len = Buffer.byteLength(context.id!);
      chunk.client_id = context.id;
      if (context.username) {
        chunk.F.username_len = Buffer.byteLength(context.username);
        chunk.username = context.username;
      }
      if (context.listener) {
        chunk.F.listener_port = context.listener.port;
      }

      if (chunk.F.id_len === 0) {
        /* A client with an empty id cannot be found again; it is not saved. */
        continue;
      }

      rc = persist__chunk_client_write_v6(db_fptr, chunk);
      if (rc) {
        return rc;
      }

      if (persist__client_messages_save(db_fptr, context, context.msgs_in.inflight)) return 1;
      if (persist__client_messages_save(db_fptr, context, context.msgs_in.queued)) return 1;
      if (persist__client_messages_save(db_fptr, context, context.msgs_out.inflight)) return 1;
      if (persist__client_messages_save(db_fptr, context, context.msgs_out.queued)) return 1;
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes the subscriptions of persistent clients at `node` and below; `topic` is the filter of
 * the parent level. Shared subscriptions are not saved (as in mosquitto 2.0.11).
 */
function persist__subs_save(db_fptr: FILE, node: mosquitto__subhier, topic: string, level: number): number {
  let rc: number;
  let thistopic: string;

  const sub_chunk = P_sub__new();

  if (level > 1 || topic.length) {
    thistopic = `${topic}/${node.topic}`;
  } else {
    thistopic = node.topic;
  }

  let sub = node.subs;
  while (sub) {
    if (sub.context.clean_start === false && sub.context.id) {
      sub_chunk.F.identifier = sub.identifier;
      sub_chunk.F.id_len = Buffer.byteLength(sub.context.id);
      sub_chunk.F.topic_len = Buffer.byteLength(thistopic);
      sub_chunk.F.qos = sub.qos;
      sub_chunk.F.options = (Number(sub.no_local) << 2) | (Number(sub.retain_as_published) << 3);
      sub_chunk.client_id = sub.context.id;
      sub_chunk.topic = thistopic;

      rc = persist__chunk_sub_write_v6(db_fptr, sub_chunk);
      if (rc) {
        return rc;
      }
    }
    sub = sub.next;
  }

  for (const subhier of node.children.values()) {
    persist__subs_save(db_fptr, subhier, thistopic, level + 1);
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes the subscriptions of every tree root.
 * @adapted C hands over `subhier->children`, the head of the root's children table; under each
 *   root there is one node (the root's own name, as sub__add builds it), taken here as the
 *   first child; a missing tree (C: a NULL hash head) has nothing to save
 */
function persist__subs_save_all(db_fptr: FILE): number {
  if (!db.subs) return MOSQ_ERR_SUCCESS;
  for (const subhier of db.subs.children.values()) {
    const first = subhier.children.values().next();
    if (!first.done) {
      persist__subs_save(db_fptr, first.value, '', 0);
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/** Writes a retain chunk for the retained message at `node` (unless under `$SYS`) and below. */
function persist__retain_save(db_fptr: FILE, node: mosquitto__retainhier, level: number): number {
  let rc: number;

  const retain_chunk = P_retain__new();

  if (node.retained && !node.retained.topic!.startsWith('$SYS')) {
    /* $SYS values are never saved. */
    retain_chunk.F.store_id = BigInt(node.retained.db_id);
    rc = persist__chunk_retain_write_v6(db_fptr, retain_chunk);
    if (rc) {
      return rc;
    }
  }

  for (const retainhier of node.children.values()) {
    persist__retain_save(db_fptr, retainhier, level + 1);
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes the retained messages of every tree root.
 * @adapted C hands over the head of the root's children table, taken here as the first child; a
 *   missing tree (C: a NULL hash head) has nothing to save
 */
function persist__retain_save_all(db_fptr: FILE): number {
  if (!db.retains) return MOSQ_ERR_SUCCESS;
  for (const retainhier of db.retains.children.values()) {
    const first = retainhier.children.values().next();
    if (!first.done) {
      persist__retain_save(db_fptr, first.value, 0);
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Saves the whole in-memory database to the persistence file, replacing it atomically. Does
 * nothing when persistence is off; MOSQ_ERR_INVAL without a config or file path; 1 when the file
 * cannot be written (the old one is then left as it was). `shutdown` is recorded in the cfg
 * chunk.
 * @adapted synchronous file I/O, as in C: it runs inside a loop pass (autosave, SIGUSR1) or
 *   while the broker stops, and the loop waits for it there too
 */
export function persist__backup(shutdown: boolean): number {
  const rc = 0;
  let db_fptr: FILE | null = null;

  if (db.config === null) return MOSQ_ERR_INVAL;
  if (db.config.persistence === false) return MOSQ_ERR_SUCCESS;
  if (db.config.persistence_filepath === null) return MOSQ_ERR_INVAL;

  log__printf(null, MOSQ_LOG_INFO, `Saving in-memory database to ${db.config.persistence_filepath}.`);

  const outfile = `${db.config.persistence_filepath}.new`;

  /* A stale .new may be a hard link to the live file after a power cut mid-rename; opening
   * it for writing would then truncate the database, so it is removed first. */
  try {
    unlinkSync(outfile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      persist__set_errno(e);
      log__printf(null, MOSQ_LOG_INFO, `Error saving in-memory database, unable to remove ${outfile}.`);
      return error(db_fptr);
    }
  }

  db_fptr = mosquitto__fopen(outfile, 'wb', true);
  if (db_fptr === null) {
    log__printf(null, MOSQ_LOG_INFO, `Error saving in-memory database, unable to open ${outfile} for writing.`);
    return error(db_fptr);
  }

  /* Header */
  const db_version_w = Buffer.alloc(4);
  db_version_w.writeUInt32BE(MOSQ_DB_VERSION, 0);
  if (!write_e(db_fptr, magic)) return error(db_fptr);
  if (!write_e(db_fptr, Buffer.alloc(4))) return error(db_fptr); /* crc, always 0 */
  if (!write_e(db_fptr, db_version_w)) return error(db_fptr);

  const cfg_chunk: PF_cfg = { last_db_id: BigInt(db.last_db_id), shutdown: Number(shutdown), dbid_size: sizeof_dbid_t };
  if (persist__chunk_cfg_write_v6(db_fptr, cfg_chunk)) {
    return error(db_fptr);
  }

  if (persist__message_store_save(db_fptr)) {
    return error(db_fptr);
  }

  persist__client_save(db_fptr);
  persist__subs_save_all(db_fptr);
  persist__retain_save_all(db_fptr);

  /* The new file must be on disk before it replaces the old one. */
  if (!persist__fflush(db_fptr)) return error(db_fptr);
  try {
    fsyncSync(db_fptr.fd);
    closeSync(db_fptr.fd);
  } catch (e) {
    persist__set_errno(e);
    return error(null);
  }

  try {
    renameSync(outfile, db.config.persistence_filepath);
  } catch (e) {
    persist__set_errno(e);
    return error(null);
  }
  return rc;
}

/**
 * The `error:` exit of persist__backup: logs the last file error, closes the file, returns 1.
 * @tsonly the C function ends in an `error:` label
 */
function error(db_fptr: FILE | null): number {
  log__printf(null, MOSQ_LOG_ERR, `Error: ${persist__strerror()}.`);
  if (db_fptr) {
    try {
      closeSync(db_fptr.fd);
    } catch {
      /* already closed or never usable: nothing more to report */
    }
  }
  return 1;
}
