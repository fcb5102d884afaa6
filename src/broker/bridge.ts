/**
 * Bridges of src/bridge.c: for every `connection` block the broker opens a client connection to
 * a remote broker, subscribes locally to the `out` topics and remotely to the `in` topics, and
 * keeps reconnecting (with backoff, round robin over its addresses, or back to the primary)
 * while the broker runs.
 *
 * The port follows the build without WITH_ADNS: bridge__connect resolves and connects in one
 * call. Node resolves names in the background anyway (see net__try_connect_tcp), so the three
 * step functions of the ADNS build would only split the same work (see omitted.json).
 * @module
 */
import type { Socket } from 'node:net';
import {
  MOSQ_ERR_CONN_LOST,
  MOSQ_ERR_CONN_PENDING,
  MOSQ_ERR_ERRNO,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TLS,
  MOSQ_ERR_UNKNOWN,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_ERR,
  MOSQ_LOG_NOTICE,
  MOSQ_LOG_WARNING,
} from '../include/mosquitto.js';
import {
  MQTT_SUB_OPT_NO_LOCAL,
  MQTT_SUB_OPT_RETAIN_AS_PUBLISHED,
  MQTT_SUB_OPT_SEND_RETAIN_ALWAYS,
} from '../include/mqtt_protocol.js';
import { ERR_get_errors } from '../deps/openssl.js';
import { mosq_cs_connect_pending, mosq_cs_new, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { gai_strerror } from '../lib/misc_mosq.js';
import { net__errno, net__handle_ssl, net__socket_close, net__socket_connect, net__try_connect } from '../lib/net_mosq.js';
import { packet__cleanup, packet__write } from '../lib/packet_mosq.js';
import { send__connect } from '../lib/send_connect.js';
import { send__real_publish } from '../lib/send_publish.js';
import { send__subscribe } from '../lib/send_subscribe.js';
import { send__unsubscribe } from '../lib/send_unsubscribe.js';
import { mosquitto__check_keepalive, mosquitto__mid_generate, mosquitto__set_state, util__random_bytes } from '../lib/util_mosq.js';
import { will__set } from '../lib/will_mosq.js';
import { context__init } from './context.js';
import { db__message_reconnect_reset, db__messages_delete, db__messages_easy_queue } from './database.js';
import { log__printf } from './logging.js';
import { do_disconnect, loop__update_time, loop__wakeup_after_events } from './loop.js';
import { bd_both, bd_in, bd_out, bst_automatic, bst_lazy, db } from './mosquitto_broker_internal.js';
import type { mosquitto__bridge } from './mosquitto_broker_internal.js';
import { mux__add_in, mux__delete } from './mux.js';
import { retain__queue } from './retain.js';
import { sub__add, sub__clean_session } from './subs.js';

/** The payloads of the bridge state notifications: connected and not connected. */
const NOTIFICATION_UP = Buffer.from('1');
const NOTIFICATION_DOWN = Buffer.from('0');

/** Starts every configured bridge, warning about those that cannot be started. */
export function bridge__start_all(): void {
  for (let i = 0; i < db.config!.bridge_count; i++) {
    if (bridge__new(db.config!.bridges[i]) > 0) {
      log__printf(null, MOSQ_LOG_WARNING, `Warning: Unable to connect to bridge ${db.config!.bridges[i].name}.`);
    }
  }
}

/**
 * Creates the client context of a bridge (or takes over the one a persistent database restored
 * under its local client id), adds it to the broker's bridges and connects it.
 * @adapted the TLS settings stay on the bridge, where net__init_ssl_ctx reads them (C copies
 *   them onto the context); the password becomes the context's bytes
 */
export function bridge__new(bridge: mosquitto__bridge): number {
  const local_id = bridge.local_clientid!;

  let new_context = db.contexts_by_id.get(local_id) ?? null;
  if (!new_context) {
    /* Not restored from the database: a fresh context. */
    new_context = context__init(null);
    if (!new_context) {
      return MOSQ_ERR_NOMEM;
    }
    new_context.id = local_id;
    db.contexts_by_id.set(new_context.id, new_context);
  }
  new_context.bridge = bridge;
  new_context.is_bridge = true;

  new_context.username = new_context.bridge.remote_username;
  new_context.password = new_context.bridge.remote_password !== null ? Buffer.from(new_context.bridge.remote_password) : null;

  bridge.try_private_accepted = true;
  if (bridge.clean_start_local === -1) {
    /* Unset: follow the remote clean start setting. */
    bridge.clean_start_local = bridge.clean_start ? 1 : 0;
  }
  new_context.retain_available = bridge.outgoing_retain;
  new_context.protocol = bridge.protocol_version;

  db.bridges.push(new_context);
  db.bridge_count++;

  return bridge__connect(new_context);
}

/**
 * The notification topic of a bridge: its `notification_topic`, or
 * `$SYS/broker/connection/<remote clientid>/state`.
 * @tsonly C builds the default topic with snprintf in both bridge__connect and bridge__on_connect
 */
function bridge__notification_topic(bridge: mosquitto__bridge): string {
  return bridge.notification_topic ?? `$SYS/broker/connection/${bridge.remote_clientid}/state`;
}

/**
 * Starts (or restarts) a bridge connection: resets the session state the last connection left,
 * subscribes locally to the outgoing topics, publishes the "0" notification once and sets it as
 * the will, then opens the connection and queues CONNECT.
 * @adapted the connection is always still pending when net__socket_connect returns (Node
 *   connects in the background), and write errors never carry ENOTCONN, so that branch of C's
 *   send__connect check has no counterpart
 */
export function bridge__connect(context: mosquitto): number {
  let qos: number;

  if (!context || !context.bridge) return MOSQ_ERR_INVAL;

  mosquitto__set_state(context, mosq_cs_new);
  context.sock = null;
  context.last_msg_in = db.now_s;
  context.next_msg_out = db.now_s + context.bridge.keepalive;
  context.keepalive = context.bridge.keepalive;
  context.clean_start = context.bridge.clean_start;
  context.ping_t = 0;
  context.bridge.lazy_reconnect = false;
  context.maximum_packet_size = context.bridge.maximum_packet_size;
  bridge__packet_cleanup(context);
  db__message_reconnect_reset(context);

  db__messages_delete(context, false);

  /* Local subscriptions go even when clean_start is false: the messages stay, and the loop
   * below subscribes again, which also drops subscriptions no longer configured. */
  sub__clean_session(context);

  for (let i = 0; i < context.bridge.topic_count; i++) {
    const cur_topic = context.bridge.topics[i];
    if (cur_topic.direction === bd_out || cur_topic.direction === bd_both) {
      log__printf(null, MOSQ_LOG_DEBUG, `Bridge ${context.id} doing local SUBSCRIBE on topic ${cur_topic.local_topic}`);
      if (cur_topic.qos > context.max_qos) {
        qos = context.max_qos;
      } else {
        qos = cur_topic.qos;
      }
      if (sub__add(context, cur_topic.local_topic!, qos, 0,
        MQTT_SUB_OPT_NO_LOCAL | MQTT_SUB_OPT_RETAIN_AS_PUBLISHED, db.subs!) > 0) {
        return 1;
      }
    }
  }

  /* The backoff is stepped now in case this attempt fails; a CONNACK resets it. */
  bridge__backoff_step(context);

  if (context.bridge.notifications) {
    if (context.max_qos === 0) {
      qos = 0;
    } else {
      qos = 1;
    }
    const notification_topic = bridge__notification_topic(context.bridge);
    if (!context.bridge.initial_notification_done) {
      db__messages_easy_queue(context, notification_topic, qos, 1, NOTIFICATION_DOWN, true, 0, null);
      context.bridge.initial_notification_done = true;
    }
    const rc = will__set(context, notification_topic, 1, NOTIFICATION_DOWN, qos, true, null);
    if (rc !== MOSQ_ERR_SUCCESS) {
      return rc;
    }
  }

  const address = context.bridge.addresses[context.bridge.cur_address];
  log__printf(null, MOSQ_LOG_NOTICE, `Connecting bridge ${context.bridge.name} (${address.address}:${address.port})`);
  const rc = net__socket_connect(context, address.address, address.port, context.bridge.bind_address, false);

  if (rc > 0) {
    if (rc === MOSQ_ERR_TLS) {
      mux__delete(context);
      net__socket_close(context);
      return rc; /* the error is logged already */
    } else if (rc === MOSQ_ERR_ERRNO) {
      log__printf(null, MOSQ_LOG_ERR, `Error creating bridge: ${net__errno.text}.`);
    }
    /* A failed lookup (C: MOSQ_ERR_EAI) shows up later, as the socket's error: see bridge__add_out. */
    return rc;
  } else if (rc === MOSQ_ERR_CONN_PENDING) {
    mosquitto__set_state(context, mosq_cs_connect_pending);
    bridge__add_out(context);
  }

  db.contexts_by_sock.add(context);

  const rc2 = send__connect(context, context.keepalive, context.clean_start, null);
  if (rc2 === MOSQ_ERR_SUCCESS) {
    return rc;
  } else {
    if (rc2 === MOSQ_ERR_TLS) {
      return rc2; /* the error is logged already */
    } else if (rc2 === MOSQ_ERR_ERRNO) {
      log__printf(null, MOSQ_LOG_ERR, `Error creating bridge: ${net__errno.text}.`);
    }
    mux__delete(context);
    net__socket_close(context);
    return rc2;
  }
}

/**
 * Watches a bridge connection that is still being made. Once it is up (`connect`, or
 * `secureConnect` after the TLS handshake) the context leaves mosq_cs_connect_pending and the
 * queued CONNECT is written. A failed name lookup is C's synchronous MOSQ_ERR_EAI: logged, and
 * the socket is dropped without a disconnect. A TLS failure is logged as OpenSSL's errors and
 * ends the connection as a failed TLS read does (MOSQ_ERR_ERRNO, "Protocol error").
 * @tsonly C registers the socket for EPOLLOUT here (mux__add_out) and the mux's
 *   loop_handle_reads_writes finishes the connect; mux.ts only handles accepted sockets, and
 *   Node reports lookup and TLS failures as events rather than return codes
 */
function bridge__add_out(context: mosquitto): void {
  const sock = context.sock!;
  sock.once(context.ssl ? 'secureConnect' : 'connect', () => {
    if (context.sock !== sock) return;
    loop__update_time();
    if (context.state === mosq_cs_connect_pending) {
      mosquitto__set_state(context, mosq_cs_new);
    }
    const rc = packet__write(context);
    if (rc) {
      do_disconnect(context, rc);
    }
    loop__wakeup_after_events();
  });
  sock.on('error', (err: NodeJS.ErrnoException) => {
    if (context.sock !== sock) return;
    loop__update_time();
    if (err.syscall === 'getaddrinfo') {
      log__printf(null, MOSQ_LOG_ERR, `Error creating bridge: ${gai_strerror(err)}.`);
      mosquitto__set_state(context, mosq_cs_new);
      mux__delete(context);
      net__socket_close(context);
    } else if (context.ssl) {
      const errors = ERR_get_errors(err);
      if (errors.length > 0) {
        net__handle_ssl(context, err);
        do_disconnect(context, MOSQ_ERR_ERRNO);
      } else if (err.syscall === undefined && err.code) {
        /* Node names the failed certificate check (CERT_HAS_EXPIRED, ...); OpenSSL logs it as: */
        net__handle_ssl(context, { message: 'error:0A000086:SSL routines::certificate verify failed' });
        do_disconnect(context, MOSQ_ERR_ERRNO);
      }
    }
    loop__wakeup_after_events();
  });
}

/**
 * Runs once the remote broker accepted the bridge: publishes the "1" notification (remotely
 * unless notifications are local only, and locally), subscribes remotely to the incoming topics
 * (or unsubscribes from the outgoing-only ones), queues the retained messages of the outgoing
 * topics and resets the reconnect backoff.
 */
export function bridge__on_connect(context: mosquitto): number {
  let retain = true;
  let qos: number;
  const bridge = context.bridge!;

  if (bridge.notifications) {
    if (context.max_qos === 0) {
      qos = 0;
    } else {
      qos = 1;
    }
    if (!context.retain_available) {
      retain = false;
    }
    const notification_topic = bridge__notification_topic(bridge);
    if (!bridge.notifications_local_only) {
      if (send__real_publish(context, mosquitto__mid_generate(context), notification_topic, 1, NOTIFICATION_UP,
        qos, retain, false, null, null, 0)) {
        return 1;
      }
    }
    db__messages_easy_queue(context, notification_topic, qos, 1, NOTIFICATION_UP, true, 0, null);
  }
  for (let i = 0; i < bridge.topic_count; i++) {
    const cur_topic = bridge.topics[i];
    if (cur_topic.direction === bd_in || cur_topic.direction === bd_both) {
      let sub_opts: number;
      if (cur_topic.qos > context.max_qos) {
        sub_opts = context.max_qos;
      } else {
        sub_opts = cur_topic.qos;
      }
      if (bridge.protocol_version === mosq_p_mqtt5) {
        sub_opts = sub_opts
          | MQTT_SUB_OPT_NO_LOCAL
          | MQTT_SUB_OPT_RETAIN_AS_PUBLISHED
          | MQTT_SUB_OPT_SEND_RETAIN_ALWAYS;
      }
      if (send__subscribe(context, null, 1, [cur_topic.remote_topic!], sub_opts, null)) {
        return 1;
      }
    } else {
      if (bridge.attempt_unsubscribe) {
        /* An outgoing-only topic: a subscription left from an earlier configuration must go. */
        if (send__unsubscribe(context, null, 1, [cur_topic.remote_topic!], null)) {
          return 1;
        }
      }
    }
  }
  for (let i = 0; i < bridge.topic_count; i++) {
    const cur_topic = bridge.topics[i];
    if (cur_topic.direction === bd_out || cur_topic.direction === bd_both) {
      if (cur_topic.qos > context.max_qos) {
        qos = context.max_qos;
      } else {
        qos = cur_topic.qos;
      }
      retain__queue(context, cur_topic.local_topic!, qos, 0);
    }
  }

  bridge__backoff_reset(context);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Starts watching the sockets of the bridges started before the main loop.
 * @adapted mux__add_in attaches the socket's listeners; there is no EPOLLOUT to ask for
 */
export function bridge__register_local_connections(): number {
  for (const context of db.contexts_by_sock) {
    if (context.bridge) {
      if (mux__add_in(context)) {
        log__printf(null, MOSQ_LOG_ERR, `Error in initial bridge registration: ${net__errno.text}`);
        return MOSQ_ERR_UNKNOWN;
      }
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Forgets a bridge context that is being freed: its slot in the broker's bridges, and the
 * bridge's client ids and credentials.
 * @adapted the garbage collector frees the strings; C also frees the SSL_CTX, which the port
 *   rebuilds on every connect and never keeps
 */
export function bridge__cleanup(context: mosquitto): void {
  for (let i = 0; i < db.bridge_count; i++) {
    if (db.bridges[i] === context) {
      db.bridges[i] = null;
    }
  }
  const bridge = context.bridge!;
  bridge.local_clientid = null;
  bridge.local_username = null;
  bridge.local_password = null;
  bridge.remote_clientid = null;
  bridge.remote_username = null;
  bridge.remote_password = null;
}

/** Drops the packets a bridge had queued or half read on its last connection. */
export function bridge__packet_cleanup(context: mosquitto): void {
  if (!context) return;

  context.current_out_packet = null;
  context.out_packet = null;
  context.out_packet_last = null;
  context.out_packet_count = 0;

  packet__cleanup(context.in_packet);
}

/**
 * A random integer from low up to, not including, high.
 * @adapted the random int comes from util__random_bytes into a Buffer
 */
function rand_between(low: number, high: number): number {
  const bytes = Buffer.alloc(4);
  util__random_bytes(bytes, 4);
  const r = bytes.readInt32LE(0);
  return (Math.abs(r) % (high - low)) + low;
}

/**
 * Lengthens the wait before the next reconnect, when restart_timeout gave a backoff cap:
 * "decorrelated jitter", a random time between the base and three times the last wait, capped.
 */
function bridge__backoff_step(context: mosquitto): void {
  if (!context || !context.bridge) return;

  const bridge = context.bridge;

  if (bridge.backoff_cap) {
    bridge.restart_timeout = rand_between(bridge.backoff_base, bridge.restart_timeout * 3);
    if (bridge.restart_timeout > bridge.backoff_cap) {
      bridge.restart_timeout = bridge.backoff_cap;
    }
  }
}

/** Puts the reconnect wait back to its base after a successful connection (with backoff only). */
function bridge__backoff_reset(context: mosquitto): void {
  if (!context || !context.bridge) return;

  const bridge = context.bridge;

  if (bridge.backoff_cap) {
    bridge.restart_timeout = bridge.backoff_base;
  }
}

/**
 * For a connection still being made: notices that it is up, or drops it when it failed.
 * @adapted Node tells through the socket's state instead of SO_ERROR: a destroyed socket failed
 *   (C: ECONNREFUSED or a getsockopt failure); one no longer connecting is up. A socket still
 *   connecting is left alone (SO_ERROR would read 0 then and C would call it up too early).
 */
function bridge_check_pending(context: mosquitto): void {
  if (context.state === mosq_cs_connect_pending) {
    const sock = context.sock as Socket;
    if (sock.destroyed) {
      do_disconnect(context, MOSQ_ERR_CONN_LOST);
      return;
    }
    if (!sock.connecting && !context.ssl) {
      mosquitto__set_state(context, mosq_cs_new);
    }
  }
}

/**
 * C's `static time_t last_check`: never updated in mosquitto 2.0.11, so bridge_check runs on
 * every loop pass.
 */
const last_check = 0;

/**
 * The main loop's bridge duty: keepalive for connected bridges, finishing pending connects,
 * moving a non-round-robin bridge back to its primary address once that answers again, and
 * restarting stopped bridges after restart_timeout (automatic) or when a lazy bridge has
 * enough queued (threshold), trying the next address each time.
 * @adapted the primary address probe is a Node socket: one destroyed by an error failed, any
 *   other counts as reachable (C: SO_ERROR of 0); mux__add_out has no counterpart
 */
export function bridge_check(): void {
  if (db.now_s <= last_check) return;

  for (let i = 0; i < db.bridge_count; i++) {
    if (!db.bridges[i]) continue;

    const context = db.bridges[i]!;
    const bridge = context.bridge!;

    if (context.sock !== null) {
      mosquitto__check_keepalive(context);
      bridge_check_pending(context);

      /* A bridge that is not round robin and not on its primary address checks whether the
       * primary is reachable again. */
      if (bridge.round_robin === false
          && bridge.cur_address !== 0
          && bridge.primary_retry
          && db.now_s > bridge.primary_retry) {
        if (bridge.primary_retry_sock === null) {
          const { rc, sock } = net__try_connect(bridge.addresses[0].address, bridge.addresses[0].port,
            bridge.bind_address, false);
          bridge.primary_retry_sock = sock;

          if (rc === 0) {
            bridge.primary_retry_sock!.destroy();
            bridge.primary_retry_sock = null;
            bridge.primary_retry = 0;
            mux__delete(context);
            net__socket_close(context);
            bridge.cur_address = 0;
          }
        } else {
          if (!bridge.primary_retry_sock.destroyed) {
            bridge.primary_retry_sock.destroy();
            bridge.primary_retry_sock = null;
            bridge.primary_retry = 0;
            mux__delete(context);
            net__socket_close(context);
            bridge.cur_address = bridge.address_count - 1;
          } else {
            bridge.primary_retry_sock = null;
            bridge.primary_retry = db.now_s + 5;
          }
        }
      }
    }

    if (context.sock === null) {
      /* The bridge is down: time to restart it? */
      if (!bridge.restart_t) {
        bridge.restart_t = db.now_s + bridge.restart_timeout;
        bridge.cur_address++;
        if (bridge.cur_address === bridge.address_count) {
          bridge.cur_address = 0;
        }
      } else {
        if ((bridge.start_type === bst_lazy && bridge.lazy_reconnect)
            || (bridge.start_type === bst_automatic && db.now_s > bridge.restart_t)) {
          const rc = bridge__connect(context);
          bridge.restart_t = 0;
          if (rc === MOSQ_ERR_SUCCESS || rc === MOSQ_ERR_CONN_PENDING) {
            if (bridge.round_robin === false && bridge.cur_address !== 0) {
              bridge.primary_retry = db.now_s + 5;
            }
            mux__add_in(context);
          } else {
            bridge.cur_address++;
            if (bridge.cur_address === bridge.address_count) {
              bridge.cur_address = 0;
            }
          }
        }
      }
    }
  }
}
