/**
 * Client contexts of src/context.c: creating one for a new connection, sending its will,
 * disconnecting it, and freeing it once nothing refers to it any more.
 * @module
 */
import type { Socket } from 'node:net';
import { MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import { MOSQ_ACL_WRITE } from '../include/mosquitto_plugin.js';
import { alias__free_all } from '../lib/alias_mosq.js';
import { mosq_cs_disconnected, mosq_cs_disconnecting, mosq_cs_disused, mosq_cs_new } from '../lib/mosquitto_internal.js';
import type { mosquitto, mosquitto_msg_data } from '../lib/mosquitto_internal.js';
import { net__socket_close } from '../lib/net_mosq.js';
import { packet__cleanup, packet__new } from '../lib/packet_mosq.js';
import { mosquitto__get_state, mosquitto__set_state } from '../lib/util_mosq.js';
import { will__clear } from '../lib/will_mosq.js';
import { bridge__cleanup } from './bridge.js';
import { db__messages_delete, db__messages_easy_queue } from './database.js';
import { keepalive__remove } from './keepalive.js';
import { db } from './mosquitto_broker_internal.js';
import { net__socket_get_address } from './net.js';
import { plugin__handle_disconnect } from './plugin.js';
import { mosquitto_acl_check } from './security.js';
import { session_expiry__add } from './session_expiry.js';
import { sub__clean_session } from './subs.js';
import { will_delay__add } from './will_delay.js';

/**
 * An empty in-flight/queued record with the given window.
 * @tsonly stands in for the zeroed struct mosquitto_msg_data inside a calloc'd context
 */
export function msg_data__new(inflight_maximum: number): mosquitto_msg_data {
  return {
    inflight: null,
    queued: null,
    msg_bytes: 0,
    msg_bytes12: 0,
    msg_count: 0,
    msg_count12: 0,
    inflight_quota: inflight_maximum,
    inflight_maximum,
  };
}

/**
 * Creates the context for a new connection (or, with a null socket, for a session restored
 * from disk or a bridge), with mosquitto's defaults, and indexes it by socket.
 * @adapted returns null if the peer address is already gone, as C does when getpeername fails
 */
export function context__init(sock: Socket | null): mosquitto | null {
  let address: string | null = null;
  let remote_port = 0;
  if (sock) {
    const peer = net__socket_get_address(sock);
    if (!peer) {
      return null;
    }
    address = peer.address;
    remote_port = peer.remote_port;
  }
  const max_inflight = db.config!.max_inflight_messages;
  const context: mosquitto = {
    sock,
    maximum_packet_size: 0,
    protocol: 0,
    address,
    id: null,
    username: null,
    password: null,
    keepalive: 60,
    last_mid: 0,
    state: mosq_cs_new,
    last_msg_in: db.now_s,
    next_msg_out: db.now_s + 60,
    ping_t: 0,
    in_packet: packet__new(),
    current_out_packet: null,
    out_packet: null,
    will: null,
    aliases: [],
    will_delay_entry: null,
    alias_count: 0,
    out_packet_count: 0,
    will_delay_interval: 0,
    will_delay_time: 0,
    want_write: false,
    clean_start: true,
    session_expiry_time: 0,
    session_expiry_interval: 0,
    removed_from_by_id: false,
    is_dropping: false,
    is_bridge: false,
    bridge: null,
    msgs_in: msg_data__new(max_inflight),
    msgs_out: msg_data__new(max_inflight),
    acl_list: null,
    listener: null,
    out_packet_last: null,
    subs: [],
    shared_subs: [],
    auth_method: null,
    sub_count: 0,
    shared_sub_count: 0,
    assigned_id: false,
    max_qos: 2,
    retain_available: true,
    tcp_nodelay: false,
    expiry_list_item: null,
    remote_port,
    ssl: null,
    wsi: null,
    in_chunk: null,
    in_chunk_pos: 0,
  };
  if (sock) {
    db.contexts_by_sock.add(context);
  }
  return context;
}

/**
 * Releases what a context holds: its socket, aliases, credentials, queued messages and will
 * (sent if still due) and its by-id entry. With force_free the session is wiped entirely.
 * @adapted the garbage collector frees the memory once the last reference is dropped
 */
export function context__cleanup(context: mosquitto, force_free: boolean): void {
  if (!context) return;
  if (force_free) {
    context.clean_start = true;
  }
  if (context.bridge) {
    bridge__cleanup(context);
  }
  alias__free_all(context);
  context.auth_method = null;
  context.username = null;
  context.password = null;

  net__socket_close(context);
  if (force_free) {
    sub__clean_session(context);
  }
  db__messages_delete(context, force_free);

  context.address = null;

  context__send_will(context);

  if (context.id) {
    context__remove_from_by_id(context);
    context.id = null;
  }
  packet__cleanup(context.in_packet);
  context.current_out_packet = null;
  context.out_packet = null;
  context.out_packet_last = null;
  context.out_packet_count = 0;
}

/**
 * Publishes the client's will unless it disconnected cleanly; a will with a delay is put on
 * the delayed-will list instead. The will is then dropped either way.
 */
export function context__send_will(ctxt: mosquitto): void {
  if (ctxt.state !== mosq_cs_disconnecting && ctxt.will) {
    if (ctxt.will_delay_interval > 0) {
      will_delay__add(ctxt);
      return;
    }
    const msg = ctxt.will.msg;
    if (mosquitto_acl_check(ctxt, msg.topic!, msg.payloadlen, msg.payload, msg.qos, msg.retain, MOSQ_ACL_WRITE) === MOSQ_ERR_SUCCESS) {
      /* The client went away without a clean DISCONNECT: its will goes out. */
      db__messages_easy_queue(ctxt, msg.topic!, msg.qos, msg.payloadlen, msg.payload, msg.retain,
        ctxt.will.expiry_interval, ctxt.will.properties);
      ctxt.will.properties = null;
    }
  }
  will__clear(ctxt);
}

/**
 * Takes a client offline: closes the socket, sends the will, and either frees the context
 * (session ends now) or starts its session-expiry countdown.
 */
export function context__disconnect(context: mosquitto): void {
  if (mosquitto__get_state(context) === mosq_cs_disconnected) {
    return;
  }
  plugin__handle_disconnect(context, -1);

  net__socket_close(context);

  context__send_will(context);
  if (context.session_expiry_interval === 0) {
    /* The session ends with the connection. Bridges keep theirs. */
    if (context.bridge === null) {
      if (context.will_delay_interval === 0) {
        /* With a will delay, freeing waits until the will has been sent. */
        context__add_to_disused(context);
      }
    }
  } else {
    session_expiry__add(context);
  }
  keepalive__remove(context);
  mosquitto__set_state(context, mosq_cs_disconnected);
}

/** Marks a context for freeing at the end of this loop pass and removes it from the id index. */
export function context__add_to_disused(context: mosquitto): void {
  if (context.state === mosq_cs_disused) return;

  mosquitto__set_state(context, mosq_cs_disused);

  if (context.id) {
    context__remove_from_by_id(context);
    context.id = null;
  }
  db.ll_for_free.push(context);
}

/** Frees every context marked as disused. */
export function context__free_disused(): void {
  const contexts = db.ll_for_free;
  db.ll_for_free = [];
  for (const context of contexts) {
    context__cleanup(context, true);
  }
}

/** Removes a context from the client-id index, once. */
export function context__remove_from_by_id(context: mosquitto): void {
  if (context.removed_from_by_id === false && context.id) {
    const context_found = db.contexts_by_id.get(context.id);
    if (context_found) {
      db.contexts_by_id.delete(context.id);
    }
    context.removed_from_by_id = true;
  }
}
