/**
 * The message store and per-client message queues of src/database.c.
 *
 * A published message is stored once (`mosquitto_msg_store`) and every client it goes to holds a
 * `mosquitto_client_msg` that points at it and counts towards its `ref_count`. Each client has two
 * directions (`msgs_in`, `msgs_out`), each with an in-flight list (being sent or acknowledged now)
 * and a queued list (waiting for room in the in-flight window or for the client to come back).
 * @module
 */
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_OVERSIZE_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_NOTICE,
} from '../include/mosquitto.js';
import { DL_APPEND, DL_DELETE } from '../deps/utlist.js';
import {
  mosq_md_in,
  mosq_md_out,
  mosq_ms_invalid,
  mosq_ms_publish_qos0,
  mosq_ms_publish_qos1,
  mosq_ms_publish_qos2,
  mosq_ms_queued,
  mosq_ms_resend_pubcomp,
  mosq_ms_resend_pubrel,
  mosq_ms_send_pubrec,
  mosq_ms_wait_for_puback,
  mosq_ms_wait_for_pubcomp,
  mosq_ms_wait_for_pubrec,
  mosq_ms_wait_for_pubrel,
  mosq_cs_active,
  mosq_p_mqtt5,
} from '../lib/mosquitto_internal.js';
import type {
  mosquitto,
  mosquitto_msg_data,
  mosquitto_msg_direction,
  mosquitto_msg_state,
} from '../lib/mosquitto_internal.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { send__publish } from '../lib/send_publish.js';
import { send__pubrec, send__pubrel } from '../lib/send_mosq.js';
import {
  util__decrement_receive_quota,
  util__decrement_send_quota,
  util__increment_send_quota,
} from '../lib/util_mosq.js';
import { bst_lazy, db, mosq_mo_broker, mosq_mo_client } from './mosquitto_broker_internal.js';
import type {
  dbid_t,
  mosquitto__config,
  mosquitto__subhier,
  mosquitto_client_msg,
  mosquitto_msg_origin,
  mosquitto_msg_store,
} from './mosquitto_broker_internal.js';
import { log__printf } from './logging.js';
import { persist__restore } from './persist_read.js';
import { retain__clean, retain__init } from './retain.js';
import { sub__add_hier_entry, sub__messages_queue } from './subs.js';
import { g } from './sys_tree.js';

const EMPTY_PAYLOAD = Buffer.alloc(0);

/**
 * Says whether a client has room for one more message of this QoS in its in-flight window now,
 * judged by `max_inflight_messages`/Receive Maximum and `max_inflight_bytes`. For QoS 0 the
 * answer is "send it or drop it", measured against the queue limits instead.
 */
export function db__ready_for_flight(context: mosquitto, dir: mosquitto_msg_direction, qos: number): boolean {
  const config = db.config!;
  let msgs: mosquitto_msg_data;
  let valid_bytes: boolean;
  let valid_count: boolean;

  if (dir === mosq_md_out) {
    msgs = context.msgs_out;
  } else {
    msgs = context.msgs_in;
  }

  if (msgs.inflight_maximum === 0 && config.max_inflight_bytes === 0) {
    return true;
  }

  if (qos === 0) {
    /* QoS 0 is never queued for an online client: it goes now unless the queue is full. */
    if (config.max_queued_messages === 0 && config.max_inflight_bytes === 0) {
      return true;
    }
    valid_bytes = msgs.msg_bytes - config.max_inflight_bytes < config.max_queued_bytes;
    if (dir === mosq_md_out) {
      valid_count = context.out_packet_count < config.max_queued_messages;
    } else {
      valid_count = msgs.msg_count - msgs.inflight_maximum < config.max_queued_messages;
    }

    if (config.max_queued_messages === 0) {
      return valid_bytes;
    }
    if (config.max_queued_bytes === 0) {
      return valid_count;
    }
  } else {
    valid_bytes = msgs.msg_bytes12 < config.max_inflight_bytes;
    valid_count = msgs.inflight_quota > 0;

    if (msgs.inflight_maximum === 0) {
      return valid_bytes;
    }
    if (config.max_inflight_bytes === 0) {
      return valid_count;
    }
  }

  return valid_bytes && valid_count;
}

/**
 * Says whether a message that cannot go in flight may wait in the queue, judged by
 * `max_queued_messages`, `max_queued_bytes` and `queue_qos0_messages`. For an offline client
 * the in-flight allowance is not subtracted, since nothing is in flight.
 */
export function db__ready_for_queue(context: mosquitto, qos: number, msg_data: mosquitto_msg_data): boolean {
  const config = db.config!;
  let adjust_bytes = config.max_inflight_bytes;

  if (config.max_queued_messages === 0 && config.max_queued_bytes === 0) {
    return true;
  }

  if (qos === 0 && config.queue_qos0_messages === false) {
    return false; /* db__ready_for_flight made the QoS 0 decision already */
  }
  const source_bytes = msg_data.msg_bytes12;
  const source_count = msg_data.msg_count12;
  let adjust_count = msg_data.inflight_maximum;

  if (context.sock === null) {
    /* An offline client has nothing in flight. */
    adjust_bytes = 0;
    adjust_count = 0;
  }

  const valid_bytes = source_bytes - adjust_bytes < config.max_queued_bytes;
  const valid_count = source_count - adjust_count < config.max_queued_messages;

  if (config.max_queued_bytes === 0) {
    return valid_count;
  }
  if (config.max_queued_messages === 0) {
    return valid_bytes;
  }

  return valid_bytes && valid_count;
}

/**
 * Sets the database up empty: no clients, the two root topics of the subscription tree ("" and
 * "$SYS"), and the retained-message tree's roots; then loads the persistence file, if any.
 * @adapted `db.subs` becomes a holder node for the roots
 */
export function db__open(config: mosquitto__config | null): number {
  if (!config) return MOSQ_ERR_INVAL;

  db.last_db_id = 0;

  db.contexts_by_id = new Map();
  db.contexts_by_sock = new Set();
  db.contexts_for_free = [];
  db.bridges = [];
  db.bridge_count = 0;

  /* The holder node whose children are the roots (C: the uthash head). */
  db.subs = { parent: null, children: new Map(), subs: null, shared: new Map(), topic: '', topic_len: 0 };

  let subhier = sub__add_hier_entry(null, db.subs.children, '', 0);
  if (!subhier) return MOSQ_ERR_NOMEM;

  subhier = sub__add_hier_entry(null, db.subs.children, '$SYS', '$SYS'.length);
  if (!subhier) return MOSQ_ERR_NOMEM;

  retain__init();

  db.config!.security_options.unpwd = null;

  if (persist__restore()) return 1;

  return MOSQ_ERR_SUCCESS;
}

/**
 * Empties the subscription tree below `subhier`.
 * @adapted `subhier` is the node whose children are cleaned (C: a pointer to the hash head); the
 *   garbage collector frees the nodes
 */
function subhier_clean(subhier: mosquitto__subhier): void {
  for (const peer of subhier.children.values()) {
    peer.subs = null;
    subhier_clean(peer);

    subhier.children.delete(peer.topic);
  }
}

/** Empties the subscription tree, the retained messages and the message store. */
export function db__close(): number {
  if (db.subs) subhier_clean(db.subs);
  if (db.retains) retain__clean(db.retains);
  db__msg_store_clean();

  return MOSQ_ERR_SUCCESS;
}

/**
 * A blank stored message, not yet in the store.
 * @tsonly stands in for `mosquitto__calloc(1, sizeof(struct mosquitto_msg_store))`
 */
export function db__msg_store_new(): mosquitto_msg_store {
  return {
    next: null,
    prev: null,
    db_id: 0,
    source_id: null,
    source_username: null,
    source_listener: null,
    dest_ids: null,
    dest_id_count: 0,
    ref_count: 0,
    topic: null,
    properties: null,
    payload: EMPTY_PAYLOAD,
    message_expiry_time: 0,
    payloadlen: 0,
    origin: mosq_mo_client,
    source_mid: 0,
    mid: 0,
    qos: 0,
    retain: false,
  };
}

/** Links a stored message in at the head of the store's list. */
export function db__msg_store_add(store: mosquitto_msg_store): void {
  store.next = db.msg_store;
  store.prev = null;
  if (db.msg_store) {
    db.msg_store.prev = store;
  }
  db.msg_store = store;
}

/**
 * Releases what a stored message holds.
 * @adapted the garbage collector frees the memory; dropping the references lets it
 */
export function db__msg_store_free(store: mosquitto_msg_store): void {
  store.source_id = null;
  store.source_username = null;
  store.dest_ids = null;
  store.topic = null;
  store.properties = null;
  store.payload = EMPTY_PAYLOAD;
}

/** Unlinks a stored message from the store, updates the store's totals and frees it. */
export function db__msg_store_remove(store: mosquitto_msg_store): void {
  if (store.prev) {
    store.prev.next = store.next;
    if (store.next) {
      store.next.prev = store.prev;
    }
  } else {
    db.msg_store = store.next;
    if (store.next) {
      store.next.prev = null;
    }
  }
  db.msg_store_count--;
  db.msg_store_bytes -= store.payloadlen;

  db__msg_store_free(store);
}

/** Removes every message from the store. */
export function db__msg_store_clean(): void {
  let store = db.msg_store;
  while (store) {
    const next: mosquitto_msg_store | null = store.next;
    db__msg_store_remove(store);
    store = next;
  }
}

/** Counts one more holder of a stored message. */
export function db__msg_store_ref_inc(store: mosquitto_msg_store): void {
  store.ref_count++;
}

/**
 * Counts one holder fewer of a stored message, removing it from the store when none is left.
 * @adapted C also nulls the caller's pointer; here the caller simply stops using the message
 */
export function db__msg_store_ref_dec(store: mosquitto_msg_store): void {
  store.ref_count--;
  if (store.ref_count === 0) {
    db__msg_store_remove(store);
  }
}

/** Removes every stored message that nobody holds any more. */
export function db__msg_store_compact(): void {
  let store = db.msg_store;
  while (store) {
    const next: mosquitto_msg_store | null = store.next;
    if (store.ref_count < 1) {
      db__msg_store_remove(store);
    }
    store = next;
  }
}

/** Takes a message off a client's in-flight list, updating the counts and the store reference. */
function db__message_remove(msg_data: mosquitto_msg_data | null, item: mosquitto_client_msg | null): void {
  if (!msg_data || !item) {
    return;
  }

  msg_data.inflight = DL_DELETE(msg_data.inflight!, item);
  msg_data.msg_count--;
  msg_data.msg_bytes -= item.store.payloadlen;
  if (item.qos > 0) {
    msg_data.msg_count12--;
    msg_data.msg_bytes12 -= item.store.payloadlen;
  }
  db__msg_store_ref_dec(item.store);

  item.properties = null;
}

/** Moves the oldest queued message to the end of the in-flight list, using up one unit of quota. */
export function db__message_dequeue_first(_context: mosquitto, msg_data: mosquitto_msg_data): void {
  const msg = msg_data.queued!;
  msg_data.queued = DL_DELETE(msg_data.queued!, msg);
  msg_data.inflight = DL_APPEND(msg_data.inflight, msg);
  if (msg_data.inflight_quota > 0) {
    msg_data.inflight_quota--;
  }
}

/**
 * Finishes an outgoing message the client acknowledged (PUBACK, PUBCOMP, or a failing PUBREC),
 * then moves as many queued messages into flight as the window allows and sends them.
 */
export function db__message_delete_outgoing(context: mosquitto, mid: number, expect_state: mosquitto_msg_state, qos: number): number {
  let msg_index = 0;

  if (!context) return MOSQ_ERR_INVAL;

  let tail = context.msgs_out.inflight;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    msg_index++;
    if (tail.mid === mid) {
      if (tail.qos !== qos) {
        return MOSQ_ERR_PROTOCOL;
      } else if (qos === 2 && tail.state !== expect_state) {
        return MOSQ_ERR_PROTOCOL;
      }
      msg_index--;
      db__message_remove(context.msgs_out, tail);
      break;
    }
    tail = tmp;
  }

  tail = context.msgs_out.queued;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    if (context.msgs_out.inflight_maximum !== 0 && msg_index >= context.msgs_out.inflight_maximum) {
      break;
    }

    msg_index++;
    tail.timestamp = db.now_s;
    switch (tail.qos) {
      case 0:
        tail.state = mosq_ms_publish_qos0;
        break;
      case 1:
        tail.state = mosq_ms_publish_qos1;
        break;
      case 2:
        tail.state = mosq_ms_publish_qos2;
        break;
    }
    db__message_dequeue_first(context, context.msgs_out);
    tail = tmp;
  }
  db.persistence_changes++;

  return db__message_write_inflight_out_latest(context);
}

/**
 * Gives a client a reference to a stored message, in flight if the window has room, queued if
 * the queue has room, otherwise dropped (counted in `$SYS/broker/messages/dropped`).
 * Returns 0 when added in flight, 2 when queued or dropped, 1 for an incoming message below
 * QoS 2 (nothing to keep), or an error. With `update`, outgoing messages are sent at once.
 */
export function db__message_insert(context: mosquitto, mid: number, dir: mosquitto_msg_direction, qos: number,
    retain: boolean, stored: mosquitto_msg_store, properties: mosquitto_property[] | null, update: boolean): number {
  const config = db.config!;
  let msg_data: mosquitto_msg_data;
  let state: mosquitto_msg_state = mosq_ms_invalid;
  let rc = 0;

  if (!context) return MOSQ_ERR_INVAL;
  if (!context.id) return MOSQ_ERR_SUCCESS; /* a context half way through being freed */

  if (dir === mosq_md_out) {
    msg_data = context.msgs_out;
  } else {
    msg_data = context.msgs_in;
  }

  /* Below MQTT 5, unless duplicates are allowed, a client gets a given (non-retained) message
   * only once even when several of its subscriptions match. */
  if (context.protocol !== mosq_p_mqtt5
      && config.allow_duplicate_messages === false
      && dir === mosq_md_out && retain === false && stored.dest_ids) {

    for (let i = 0; i < stored.dest_id_count; i++) {
      if (stored.dest_ids[i] === context.id) {
        return MOSQ_ERR_SUCCESS;
      }
    }
  }
  if (context.sock === null) {
    /* Offline: only QoS>0 is kept, unless queue_qos0_messages says otherwise. */
    if (qos === 0 && !config.queue_qos0_messages) {
      if (!context.bridge) {
        return 2;
      } else {
        if (context.bridge.start_type !== bst_lazy) {
          return 2;
        }
      }
    }
    if (context.bridge && context.bridge.clean_start_local === 1) {
      return 2;
    }
  }

  if (context.sock !== null) {
    if (db__ready_for_flight(context, dir, qos)) {
      if (dir === mosq_md_out) {
        switch (qos) {
          case 0:
            state = mosq_ms_publish_qos0;
            break;
          case 1:
            state = mosq_ms_publish_qos1;
            break;
          case 2:
            state = mosq_ms_publish_qos2;
            break;
        }
      } else {
        if (qos === 2) {
          state = mosq_ms_wait_for_pubrel;
        } else {
          return 1;
        }
      }
    } else if (qos !== 0 && db__ready_for_queue(context, qos, msg_data)) {
      state = mosq_ms_queued;
      rc = 2;
    } else {
      /* No room anywhere: drop it. */
      if (context.is_dropping === false) {
        context.is_dropping = true;
        log__printf(null, MOSQ_LOG_NOTICE,
            `Outgoing messages are being dropped for client ${context.id}.`);
      }
      g.g_msgs_dropped++;
      return 2;
    }
  } else {
    if (db__ready_for_queue(context, qos, msg_data)) {
      state = mosq_ms_queued;
    } else {
      g.g_msgs_dropped++;
      if (context.is_dropping === false) {
        context.is_dropping = true;
        log__printf(null, MOSQ_LOG_NOTICE,
            `Outgoing messages are being dropped for client ${context.id}.`);
      }
      return 2;
    }
  }

  if (state === mosq_ms_queued) {
    db.persistence_changes++;
  }

  const msg: mosquitto_client_msg = {
    prev: null,
    next: null,
    store: stored,
    properties,
    timestamp: db.now_s,
    mid,
    qos: qos > context.max_qos ? context.max_qos : qos,
    retain,
    direction: dir,
    state,
    dup: false,
  };
  db__msg_store_ref_inc(msg.store);

  if (state === mosq_ms_queued) {
    msg_data.queued = DL_APPEND(msg_data.queued, msg);
  } else {
    msg_data.inflight = DL_APPEND(msg_data.inflight, msg);
  }
  msg_data.msg_count++;
  msg_data.msg_bytes += msg.store.payloadlen;
  if (qos > 0) {
    msg_data.msg_count12++;
    msg_data.msg_bytes12 += msg.store.payloadlen;
  }

  if (config.allow_duplicate_messages === false && dir === mosq_md_out && retain === false) {
    /* Remember who has had this message, for the duplicate check above. */
    if (stored.dest_ids) {
      stored.dest_ids.push(context.id);
    } else {
      /* Sized for the usual single recipient: an empty array would reserve room for 17. */
      stored.dest_ids = [context.id];
    }
    stored.dest_id_count++;
  }
  if (context.bridge && context.bridge.start_type === bst_lazy
      && context.sock === null
      && context.msgs_out.msg_count >= context.bridge.threshold) {

    context.bridge.lazy_reconnect = true;
  }

  if (dir === mosq_md_out && msg.qos > 0) {
    util__decrement_send_quota(context);
  }

  if (dir === mosq_md_out && update) {
    rc = db__message_write_inflight_out_latest(context);
    if (rc) return rc;
    rc = db__message_write_queued_out(context);
    if (rc) return rc;
  }

  return rc;
}

/** Moves an in-flight outgoing message to a new state (e.g. after PUBREC) and restamps it. */
export function db__message_update_outgoing(context: mosquitto, mid: number, state: mosquitto_msg_state, qos: number): number {
  for (let tail = context.msgs_out.inflight; tail; tail = tail.next) {
    if (tail.mid === mid) {
      if (tail.qos !== qos) {
        return MOSQ_ERR_PROTOCOL;
      }
      tail.state = state;
      tail.timestamp = db.now_s;
      return MOSQ_ERR_SUCCESS;
    }
  }
  return MOSQ_ERR_NOT_FOUND;
}

/**
 * Drops every message of one list, releasing their store references.
 * @adapted C empties the list through its head pointer; the caller here sets the head to null
 */
function db__messages_delete_list(head: mosquitto_client_msg | null): void {
  let tail = head;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    head = DL_DELETE(head!, tail);
    db__msg_store_ref_dec(tail.store);
    tail.properties = null;
    tail = tmp;
  }
}

/**
 * Drops a client's messages as its session ends: incoming ones for a clean start, outgoing ones
 * for a clean start (or a bridge's `cleansession_local`), or everything with `force_free`.
 */
export function db__messages_delete(context: mosquitto, force_free: boolean): number {
  if (!context) return MOSQ_ERR_INVAL;

  if (force_free || context.clean_start || (context.bridge && context.bridge.clean_start)) {
    db__messages_delete_list(context.msgs_in.inflight);
    context.msgs_in.inflight = null;
    db__messages_delete_list(context.msgs_in.queued);
    context.msgs_in.queued = null;
    context.msgs_in.msg_bytes = 0;
    context.msgs_in.msg_bytes12 = 0;
    context.msgs_in.msg_count = 0;
    context.msgs_in.msg_count12 = 0;
  }

  if (force_free || (context.bridge && context.bridge.clean_start_local)
      || (context.bridge === null && context.clean_start)) {

    db__messages_delete_list(context.msgs_out.inflight);
    context.msgs_out.inflight = null;
    db__messages_delete_list(context.msgs_out.queued);
    context.msgs_out.queued = null;
    context.msgs_out.msg_bytes = 0;
    context.msgs_out.msg_bytes12 = 0;
    context.msgs_out.msg_count = 0;
    context.msgs_out.msg_count12 = 0;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Publishes a message the broker itself produced (a will, a `$SYS` value, a bridge
 * notification): stores it and hands it to every matching subscriber.
 * @adapted the properties are handed over by value; C also nulls the caller's pointer
 */
export function db__messages_easy_queue(context: mosquitto | null, topic: string | null, qos: number, payloadlen: number,
    payload: Buffer | null, retain: boolean, message_expiry_interval: number, properties: mosquitto_property[] | null): number {
  if (!topic) return MOSQ_ERR_INVAL;

  const stored = db__msg_store_new();

  stored.topic = topic;

  stored.qos = qos;
  if (db.config!.retain_available === false) {
    stored.retain = false;
  } else {
    stored.retain = retain;
  }

  stored.payloadlen = payloadlen;
  /* A private copy: the caller may reuse its buffer. */
  stored.payload = payloadlen && payload ? Buffer.from(payload.subarray(0, payloadlen)) : EMPTY_PAYLOAD;

  let source_id: string;
  if (context && context.id) {
    source_id = context.id;
  } else {
    source_id = '';
  }
  if (properties) {
    stored.properties = properties;
  }

  let origin: mosquitto_msg_origin;
  if (context) {
    origin = mosq_mo_client;
  } else {
    origin = mosq_mo_broker;
  }
  if (db__message_store(context, stored, message_expiry_interval, 0, origin)) return 1;

  return sub__messages_queue(source_id, topic, stored.qos, stored.retain, stored);
}

/**
 * Puts a message into the store: records where it came from, when it expires, and gives it a
 * store id (the next free one, or `store_id` when restoring from disk).
 */
export function db__message_store(source: mosquitto | null, stored: mosquitto_msg_store, message_expiry_interval: number,
    store_id: dbid_t, origin: mosquitto_msg_origin): number {
  if (source && source.id) {
    stored.source_id = source.id;
  } else {
    stored.source_id = '';
  }

  if (source && source.username) {
    stored.source_username = source.username;
  }
  if (source) {
    stored.source_listener = source.listener;
  }
  stored.mid = 0;
  stored.origin = origin;
  if (message_expiry_interval > 0) {
    stored.message_expiry_time = db.now_real_s + message_expiry_interval;
  } else {
    stored.message_expiry_time = 0;
  }

  stored.dest_ids = null;
  stored.dest_id_count = 0;
  db.msg_store_count++;
  db.msg_store_bytes += stored.payloadlen;

  if (!store_id) {
    stored.db_id = ++db.last_db_id;
  } else {
    stored.db_id = store_id;
  }

  db__msg_store_add(stored);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Finds the stored message of an incoming QoS>0 PUBLISH the client already sent with this
 * message id (a retry), in flight or queued.
 * @adapted the message comes back in the result object instead of through an out-parameter
 */
export function db__message_store_find(context: mosquitto, mid: number): { rc: number; stored: mosquitto_msg_store | null } {
  if (!context) return { rc: MOSQ_ERR_INVAL, stored: null };

  for (let tail = context.msgs_in.inflight; tail; tail = tail.next) {
    if (tail.store.source_mid === mid) {
      return { rc: MOSQ_ERR_SUCCESS, stored: tail.store };
    }
  }

  for (let tail = context.msgs_in.queued; tail; tail = tail.next) {
    if (tail.store.source_mid === mid) {
      return { rc: MOSQ_ERR_SUCCESS, stored: tail.store };
    }
  }

  return { rc: 1, stored: null };
}

/**
 * On reconnect, recounts the outgoing lists and sets every message back to the state that makes
 * it be sent again: in-flight publishes from the start (or PUBREL for QoS 2 already received),
 * and queued messages moved into flight while the window has room.
 */
function db__message_reconnect_reset_outgoing(context: mosquitto): number {
  context.msgs_out.msg_bytes = 0;
  context.msgs_out.msg_bytes12 = 0;
  context.msgs_out.msg_count = 0;
  context.msgs_out.msg_count12 = 0;
  context.msgs_out.inflight_quota = context.msgs_out.inflight_maximum;

  let msg = context.msgs_out.inflight;
  while (msg) {
    const tmp: mosquitto_client_msg | null = msg.next;
    context.msgs_out.msg_count++;
    context.msgs_out.msg_bytes += msg.store.payloadlen;
    if (msg.qos > 0) {
      context.msgs_out.msg_count12++;
      context.msgs_out.msg_bytes12 += msg.store.payloadlen;
      util__decrement_send_quota(context);
    }

    switch (msg.qos) {
      case 0:
        msg.state = mosq_ms_publish_qos0;
        break;
      case 1:
        msg.state = mosq_ms_publish_qos1;
        break;
      case 2:
        if (msg.state === mosq_ms_wait_for_pubcomp) {
          msg.state = mosq_ms_resend_pubrel;
        } else {
          msg.state = mosq_ms_publish_qos2;
        }
        break;
    }
    msg = tmp;
  }
  /* Messages that arrived while the client was away are queued; give them a publish state now,
   * or they would wait for the next new message and go out of order. */
  msg = context.msgs_out.queued;
  while (msg) {
    const tmp: mosquitto_client_msg | null = msg.next;
    context.msgs_out.msg_count++;
    context.msgs_out.msg_bytes += msg.store.payloadlen;
    if (msg.qos > 0) {
      context.msgs_out.msg_count12++;
      context.msgs_out.msg_bytes12 += msg.store.payloadlen;
    }
    if (db__ready_for_flight(context, mosq_md_out, msg.qos)) {
      switch (msg.qos) {
        case 0:
          msg.state = mosq_ms_publish_qos0;
          break;
        case 1:
          msg.state = mosq_ms_publish_qos1;
          break;
        case 2:
          msg.state = mosq_ms_publish_qos2;
          break;
      }
      db__message_dequeue_first(context, context.msgs_out);
    }
    msg = tmp;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * On reconnect, recounts the incoming lists: QoS 0/1 messages in flight are dropped (the client
 * will resend them), QoS 2 ones keep their state, and queued ones move into flight while the
 * window has room.
 */
function db__message_reconnect_reset_incoming(context: mosquitto): number {
  context.msgs_in.msg_bytes = 0;
  context.msgs_in.msg_bytes12 = 0;
  context.msgs_in.msg_count = 0;
  context.msgs_in.msg_count12 = 0;
  context.msgs_in.inflight_quota = context.msgs_in.inflight_maximum;

  let msg = context.msgs_in.inflight;
  while (msg) {
    const tmp: mosquitto_client_msg | null = msg.next;
    context.msgs_in.msg_count++;
    context.msgs_in.msg_bytes += msg.store.payloadlen;
    if (msg.qos > 0) {
      context.msgs_in.msg_count12++;
      context.msgs_in.msg_bytes12 += msg.store.payloadlen;
      util__decrement_receive_quota(context);
    }

    if (msg.qos !== 2) {
      /* The client may safely send anything below QoS 2 again. */
      db__message_remove(context.msgs_in, msg);
    }
    msg = tmp;
  }

  msg = context.msgs_in.queued;
  while (msg) {
    const tmp: mosquitto_client_msg | null = msg.next;
    context.msgs_in.msg_count++;
    context.msgs_in.msg_bytes += msg.store.payloadlen;
    if (msg.qos > 0) {
      context.msgs_in.msg_count12++;
      context.msgs_in.msg_bytes12 += msg.store.payloadlen;
    }
    if (db__ready_for_flight(context, mosq_md_in, msg.qos)) {
      switch (msg.qos) {
        case 0:
          msg.state = mosq_ms_publish_qos0;
          break;
        case 1:
          msg.state = mosq_ms_publish_qos1;
          break;
        case 2:
          msg.state = mosq_ms_publish_qos2;
          break;
      }
      db__message_dequeue_first(context, context.msgs_in);
    }
    msg = tmp;
  }

  return MOSQ_ERR_SUCCESS;
}

/** Brings both directions of a resumed session into the right state for a retry. */
export function db__message_reconnect_reset(context: mosquitto): number {
  const rc = db__message_reconnect_reset_outgoing(context);
  if (rc) return rc;
  return db__message_reconnect_reset_incoming(context);
}

/** Drops an incoming QoS 2 message that is in flight, without delivering it. */
export function db__message_remove_incoming(context: mosquitto, mid: number): number {
  if (!context) return MOSQ_ERR_INVAL;

  let tail = context.msgs_in.inflight;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    if (tail.mid === mid) {
      if (tail.store.qos !== 2) {
        return MOSQ_ERR_PROTOCOL;
      }
      db__message_remove(context.msgs_in, tail);
      return MOSQ_ERR_SUCCESS;
    }
    tail = tmp;
  }

  return MOSQ_ERR_NOT_FOUND;
}

/**
 * On PUBREL: delivers the incoming QoS 2 message with this id to its subscribers and forgets it,
 * then accepts queued incoming QoS 2 messages (sending their PUBREC) while the window has room.
 */
export function db__message_release_incoming(context: mosquitto, mid: number): number {
  let msg_index = 0;
  let deleted = false;

  if (!context) return MOSQ_ERR_INVAL;

  let tail = context.msgs_in.inflight;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    msg_index++;
    if (tail.mid === mid) {
      if (tail.store.qos !== 2) {
        return MOSQ_ERR_PROTOCOL;
      }
      const topic = tail.store.topic;
      const retain = tail.retain;
      const source_id = tail.store.source_id;

      /* No topic: a denied or dropped message, acknowledged only so the client stops resending.
       * It is not delivered. */
      if (topic === null) {
        db__message_remove(context.msgs_in, tail);
        deleted = true;
      } else {
        const rc = sub__messages_queue(source_id!, topic, 2, retain, tail.store);
        if (rc === MOSQ_ERR_SUCCESS || rc === MOSQ_ERR_NO_SUBSCRIBERS) {
          db__message_remove(context.msgs_in, tail);
          deleted = true;
        } else {
          return 1;
        }
      }
    }
    tail = tmp;
  }

  tail = context.msgs_in.queued;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    if (context.msgs_in.inflight_maximum !== 0 && msg_index >= context.msgs_in.inflight_maximum) {
      break;
    }

    msg_index++;
    tail.timestamp = db.now_s;

    if (tail.qos === 2) {
      send__pubrec(context, tail.mid, 0, null);
      tail.state = mosq_ms_wait_for_pubrel;
      db__message_dequeue_first(context, context.msgs_in);
    }
    tail = tmp;
  }
  if (deleted) {
    return MOSQ_ERR_SUCCESS;
  } else {
    return MOSQ_ERR_NOT_FOUND;
  }
}

/**
 * Sends one in-flight outgoing message as its state calls for (PUBLISH or PUBREL) and moves it
 * to the state that waits for the answer. An expired message is dropped instead; so is one too
 * big for the client's maximum packet size.
 */
function db__message_write_inflight_out_single(context: mosquitto, msg: mosquitto_client_msg): number {
  let rc: number;
  let expiry_interval = 0;

  if (msg.store.message_expiry_time) {
    if (db.now_real_s > msg.store.message_expiry_time) {
      /* Expired: it must not be sent. */
      if (msg.direction === mosq_md_out && msg.qos > 0) {
        util__increment_send_quota(context);
      }
      db__message_remove(context.msgs_out, msg);
      return MOSQ_ERR_SUCCESS;
    } else {
      expiry_interval = msg.store.message_expiry_time - db.now_real_s;
    }
  }
  const mid = msg.mid;
  const retries = msg.dup;
  const retain = msg.retain;
  const topic = msg.store.topic;
  const qos = msg.qos;
  const payloadlen = msg.store.payloadlen;
  const payload = msg.store.payload;
  const cmsg_props = msg.properties;
  const store_props = msg.store.properties;

  switch (msg.state) {
    case mosq_ms_publish_qos0:
      rc = send__publish(context, mid, topic, payloadlen, payload, qos, retain, retries, cmsg_props, store_props, expiry_interval);
      if (rc === MOSQ_ERR_SUCCESS || rc === MOSQ_ERR_OVERSIZE_PACKET) {
        db__message_remove(context.msgs_out, msg);
      } else {
        return rc;
      }
      break;

    case mosq_ms_publish_qos1:
      rc = send__publish(context, mid, topic, payloadlen, payload, qos, retain, retries, cmsg_props, store_props, expiry_interval);
      if (rc === MOSQ_ERR_SUCCESS) {
        msg.timestamp = db.now_s;
        msg.dup = true; /* a retry is a duplicate */
        msg.state = mosq_ms_wait_for_puback;
      } else if (rc === MOSQ_ERR_OVERSIZE_PACKET) {
        db__message_remove(context.msgs_out, msg);
      } else {
        return rc;
      }
      break;

    case mosq_ms_publish_qos2:
      rc = send__publish(context, mid, topic, payloadlen, payload, qos, retain, retries, cmsg_props, store_props, expiry_interval);
      if (rc === MOSQ_ERR_SUCCESS) {
        msg.timestamp = db.now_s;
        msg.dup = true; /* a retry is a duplicate */
        msg.state = mosq_ms_wait_for_pubrec;
      } else if (rc === MOSQ_ERR_OVERSIZE_PACKET) {
        db__message_remove(context.msgs_out, msg);
      } else {
        return rc;
      }
      break;

    case mosq_ms_resend_pubrel:
      rc = send__pubrel(context, mid, null);
      if (!rc) {
        msg.state = mosq_ms_wait_for_pubcomp;
      } else {
        return rc;
      }
      break;

    case mosq_ms_invalid:
    case mosq_ms_send_pubrec:
    case mosq_ms_resend_pubcomp:
    case mosq_ms_wait_for_puback:
    case mosq_ms_wait_for_pubrec:
    case mosq_ms_wait_for_pubrel:
    case mosq_ms_wait_for_pubcomp:
    case mosq_ms_queued:
      break;
  }
  return MOSQ_ERR_SUCCESS;
}

/** Sends whatever each in-flight outgoing message of a connected client is waiting to send. */
export function db__message_write_inflight_out_all(context: mosquitto): number {
  if (context.state !== mosq_cs_active || context.sock === null) {
    return MOSQ_ERR_SUCCESS;
  }

  let tail = context.msgs_out.inflight;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    const rc = db__message_write_inflight_out_single(context, tail);
    if (rc) return rc;
    tail = tmp;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Sends only the newest in-flight outgoing messages: the run at the end of the list still
 * waiting to be published.
 */
export function db__message_write_inflight_out_latest(context: mosquitto): number {
  if (context.state !== mosq_cs_active
      || context.sock === null
      || context.msgs_out.inflight === null) {

    return MOSQ_ERR_SUCCESS;
  }

  if (context.msgs_out.inflight.prev === context.msgs_out.inflight) {
    /* A single message. */
    return db__message_write_inflight_out_single(context, context.msgs_out.inflight);
  }

  /* Walk back from the tail over messages still waiting to be published. */
  let tail: mosquitto_client_msg | null = context.msgs_out.inflight.prev!;
  while (tail !== context.msgs_out.inflight &&
      (tail.state === mosq_ms_publish_qos0
       || tail.state === mosq_ms_publish_qos1
       || tail.state === mosq_ms_publish_qos2)) {

    tail = tail.prev!;
  }

  /* Now at the head (which may itself be waiting) or at the newest message past publishing;
   * in the second case the ones to send start right after it. */
  if (tail !== context.msgs_out.inflight) {
    tail = tail.next;
  }

  while (tail) {
    const next: mosquitto_client_msg | null = tail.next;
    const rc = db__message_write_inflight_out_single(context, tail);
    if (rc) return rc;
    tail = next;
  }
  return MOSQ_ERR_SUCCESS;
}

/** Accepts queued incoming QoS 2 messages while the receive window has room, sending PUBREC. */
export function db__message_write_queued_in(context: mosquitto): number {
  if (context.state !== mosq_cs_active) {
    return MOSQ_ERR_SUCCESS;
  }

  let tail = context.msgs_in.queued;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    if (context.msgs_out.inflight_maximum !== 0 && context.msgs_in.inflight_quota === 0) {
      break;
    }

    if (tail.qos === 2) {
      tail.state = mosq_ms_send_pubrec;
      db__message_dequeue_first(context, context.msgs_in);
      const rc = send__pubrec(context, tail.mid, 0, null);
      if (!rc) {
        tail.state = mosq_ms_wait_for_pubrel;
      } else {
        return rc;
      }
    }
    tail = tmp;
  }
  return MOSQ_ERR_SUCCESS;
}

/** Moves queued outgoing messages into flight while the send window has room. */
export function db__message_write_queued_out(context: mosquitto): number {
  if (context.state !== mosq_cs_active) {
    return MOSQ_ERR_SUCCESS;
  }

  let tail = context.msgs_out.queued;
  while (tail) {
    const tmp: mosquitto_client_msg | null = tail.next;
    if (context.msgs_out.inflight_maximum !== 0 && context.msgs_out.inflight_quota === 0) {
      break;
    }

    switch (tail.qos) {
      case 0:
        tail.state = mosq_ms_publish_qos0;
        break;
      case 1:
        tail.state = mosq_ms_publish_qos1;
        break;
      case 2:
        tail.state = mosq_ms_publish_qos2;
        break;
    }
    db__message_dequeue_first(context, context.msgs_out);
    tail = tmp;
  }
  return MOSQ_ERR_SUCCESS;
}
