/**
 * The broker's main loop of src/loop.c and the disconnect bookkeeping every error path ends in.
 *
 * In C the loop blocks in epoll/poll, handles ready sockets, then runs its periodic duties. Under
 * Node, socket events are delivered by libuv as they happen (see mux.ts) and the periodic duties
 * run from a timer at the cadence the C loop's poll timeout gives them.
 * @module
 */
import {
  MOSQ_ERR_ADMINISTRATIVE_ACTION,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_CONN_LOST,
  MOSQ_ERR_ERRNO,
  MOSQ_ERR_KEEPALIVE,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_OVERSIZE_PACKET,
  MOSQ_ERR_PAYLOAD_SIZE,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_INFO,
  MOSQ_LOG_NOTICE,
} from '../include/mosquitto.js';
import { MQTT_PROP_MESSAGE_EXPIRY_INTERVAL } from '../include/mqtt_protocol.js';
import { DL_DELETE } from '../deps/utlist.js';
import {
  mosq_cs_disconnect_with_will,
  mosq_cs_disconnect_ws,
  mosq_cs_disconnected,
  mosq_cs_disconnecting,
  mosq_cs_duplicate,
  mosq_md_out,
} from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { mosquitto__mid_generate, mosquitto__set_state } from '../lib/util_mosq.js';
import { net__errno } from '../lib/net_mosq.js';
import { mosquitto_strerror } from '../lib/strings_mosq.js';
import { mosquitto_time } from '../lib/time_mosq.js';
import { bridge__register_local_connections, bridge_check } from './bridge.js';
import { config__read } from './conf.js';
import { context__disconnect, context__free_disused, context__remove_from_by_id } from './context.js';
import { db__message_insert, db__message_store, db__messages_easy_queue, db__msg_store_new } from './database.js';
import { keepalive__check } from './keepalive.js';
import { log__close, log__init, log__printf } from './logging.js';
import { db, mosq_mo_broker } from './mosquitto_broker_internal.js';
import type { mosquitto__listener_sock, mosquitto_message_v5 } from './mosquitto_broker_internal.js';
import { listeners__reload_all_certificates } from './mosquitto.js';
import { mux__cleanup, mux__delete, mux__init } from './mux.js';
import { persist__backup } from './persist_write.js';
import { plugin__handle_tick } from './plugin.js';
import { mosquitto_security_apply, mosquitto_security_cleanup, mosquitto_security_init } from './security.js';
import { session_expiry__check } from './session_expiry.js';
import { flags } from './signals.js';
import { sub__tree_print } from './subs.js';
import { sys_tree__update } from './sys_tree.js';
import { lws_close_when_sent } from './websockets.js';
import { will_delay__check } from './will_delay.js';

/** How often the periodic duties run; the C loop's poll timeout gives the same cadence. */
const LOOP_INTERVAL_MS = 100;

/**
 * Refreshes the broker's two clocks.
 * @tsonly C does this once per loop pass; Node handlers run between passes and need it too
 */
export function loop__update_time(): void {
  db.now_s = mosquitto_time();
  db.now_real_s = Math.floor(Date.now() / 1000);
}

/**
 * Stores a message a plugin addressed to one client and queues it for that client alone, with a
 * fresh message id when its QoS is above 0.
 */
function single_publish(context: mosquitto, msg: mosquitto_message_v5, message_expiry: number): number {
  const stored = db__msg_store_new();
  stored.topic = msg.topic;
  msg.topic = null;
  stored.retain = false;
  stored.payloadlen = msg.payloadlen;
  stored.payload = Buffer.alloc(stored.payloadlen);
  if (msg.payload) {
    msg.payload.copy(stored.payload, 0, 0, stored.payloadlen);
  }
  if (msg.properties) {
    stored.properties = msg.properties;
    msg.properties = null;
  }
  if (db__message_store(context, stored, message_expiry, 0, mosq_mo_broker)) return 1;

  const mid = msg.qos ? mosquitto__mid_generate(context) : 0;
  return db__message_insert(context, mid, mosq_md_out, msg.qos, false, stored, msg.properties, true);
}

/**
 * Takes the message expiry interval out of a plugin message's properties and returns it (0 when
 * there is none): the broker turns it into the stored message's expiry time instead.
 * @adapted returns the interval instead of writing through a pointer; the array is edited in place
 */
function read_message_expiry_interval(proplist: mosquitto_property[] | null): number {
  if (!proplist) return 0;
  const i = proplist.findIndex((p) => p.identifier === MQTT_PROP_MESSAGE_EXPIRY_INTERVAL);
  if (i < 0) return 0;
  const [p] = proplist.splice(i, 1);
  return p.value.i32;
}

/**
 * Publishes the messages plugins handed over with mosquitto_broker_publish since the last pass:
 * to one client when the plugin named one (and it is known), else to every subscriber.
 */
function queue_plugin_msgs(): void {
  let msg = db.plugin_msgs;
  while (msg) {
    const next: mosquitto_message_v5 | null = msg.next;
    db.plugin_msgs = DL_DELETE(db.plugin_msgs!, msg);

    const message_expiry = read_message_expiry_interval(msg.properties);
    if (msg.clientid) {
      const context = db.contexts_by_id.get(msg.clientid);
      if (context) {
        single_publish(context, msg, message_expiry);
      }
    } else {
      db__messages_easy_queue(null, msg.topic, msg.qos, msg.payloadlen, msg.payload, msg.retain, message_expiry, msg.properties);
    }
    msg = next;
  }
}

/**
 * Runs the broker until a signal asks it to stop: socket events arrive through the mux, and a
 * timer performs the periodic duties of the C loop body (freeing contexts, `$SYS` updates,
 * keepalive, session expiry, delayed wills, autosave, config reload).
 * @adapted a libuv timer replaces the blocking `while(run)` loop; resolves when `run` is cleared
 */
export function mosquitto_main_loop(listensock: mosquitto__listener_sock[]): Promise<number> {
  const start_time = mosquitto_time();
  let last_backup = mosquitto_time();
  loop__update_time();

  let rc = mux__init(listensock);
  if (rc) return Promise.resolve(rc);

  rc = bridge__register_local_connections();
  if (rc) return Promise.resolve(rc);

  return new Promise((resolve) => {
    const loop_pass = (): void => {
      if (!flags.run) {
        clearInterval(timer);
        loop__wakeup_pass = null;
        mux__cleanup(listensock);
        resolve(MOSQ_ERR_SUCCESS);
        return;
      }
      loop__update_time();
      queue_plugin_msgs();
      context__free_disused();
      if (db.config!.sys_interval > 0) {
        sys_tree__update(db.config!.sys_interval, start_time);
      }
      keepalive__check();
      bridge_check();
      session_expiry__check();
      will_delay__check();
      /* Autosave and SIGUSR1 write the database synchronously inside the pass, as C does. */
      if (db.config!.persistence && db.config!.autosave_interval) {
        if (db.config!.autosave_on_changes) {
          if (db.persistence_changes >= db.config!.autosave_interval) {
            persist__backup(false);
            db.persistence_changes = 0;
          }
        } else {
          if (last_backup + db.config!.autosave_interval < db.now_s) {
            persist__backup(false);
            last_backup = db.now_s;
          }
        }
      }

      if (flags.flag_db_backup) {
        persist__backup(false);
        flags.flag_db_backup = false;
      }
      if (flags.flag_reload) {
        log__printf(null, MOSQ_LOG_INFO, 'Reloading config.');
        config__read(db.config!, true);
        listeners__reload_all_certificates();
        mosquitto_security_cleanup(true);
        mosquitto_security_init(true);
        mosquitto_security_apply();
        log__close(db.config!);
        log__init(db.config!);
        flags.flag_reload = false;
      }
      if (flags.flag_tree_print) {
        sub__tree_print(db.subs, 0);
        flags.flag_tree_print = false;
      }
      plugin__handle_tick();
    };
    const timer = setInterval(loop_pass, LOOP_INTERVAL_MS);
    loop__wakeup_pass = loop_pass;
  });
}

/** The pass of the running main loop, for loop__wakeup. */
let loop__wakeup_pass: (() => void) | null = null;

/**
 * Runs a main loop pass now, as a signal interrupting epoll_wait does in C, so a SIGHUP reload
 * or a SIGTERM stop takes effect before any socket event that follows it.
 * @tsonly C gets this for free from EINTR; a libuv timer has to be nudged
 */
export function loop__wakeup(): void {
  loop__wakeup_pass?.();
}

let loop__pass_pending = false;

/**
 * Runs the loop pass that loop__wakeup_after_events asked for.
 * @tsonly the setImmediate callback of loop__wakeup_after_events
 */
function loop__pending_pass(): void {
  loop__pass_pending = false;
  loop__wakeup();
}

/**
 * Asks for a loop pass once the current batch of socket events has been handled. In C every
 * return from epoll_wait runs the periodic duties, so an expired session is gone before the
 * packets that follow a new connection are read; this keeps that order.
 * @tsonly the epoll loop does this by construction; one setImmediate covers a whole batch
 */
export function loop__wakeup_after_events(): void {
  if (!loop__pass_pending && loop__wakeup_pass) {
    loop__pass_pending = true;
    setImmediate(loop__pending_pass);
  }
}

/**
 * The notice logged when a client goes away for `reason`, or null when nothing is logged.
 * @tsonly the C switch in do_disconnect, lifted out so do_disconnect reads as in C
 */
function disconnect_reason_text(id: string, reason: number): string | null {
  switch (reason) {
    case MOSQ_ERR_SUCCESS:
      return null;
    case MOSQ_ERR_MALFORMED_PACKET:
      return `Client ${id} disconnected due to malformed packet.`;
    case MOSQ_ERR_PROTOCOL:
      return `Client ${id} disconnected due to protocol error.`;
    case MOSQ_ERR_CONN_LOST:
      return `Client ${id} closed its connection.`;
    case MOSQ_ERR_AUTH:
      return `Client ${id} disconnected, not authorised.`;
    case MOSQ_ERR_KEEPALIVE:
      return `Client ${id} has exceeded timeout, disconnecting.`;
    case MOSQ_ERR_OVERSIZE_PACKET:
      return `Client ${id} disconnected due to oversize packet.`;
    case MOSQ_ERR_PAYLOAD_SIZE:
      return `Client ${id} disconnected due to oversize payload.`;
    case MOSQ_ERR_NOMEM:
      return `Client ${id} disconnected due to out of memory.`;
    case MOSQ_ERR_NOT_SUPPORTED:
      return `Client ${id} disconnected due to QoS too high or retain not supported.`;
    case MOSQ_ERR_ADMINISTRATIVE_ACTION:
      return `Client ${id} been disconnected by administrative action.`;
    case MOSQ_ERR_ERRNO:
      return `Client ${id} disconnected: ${net__errno.text}.`;
    default:
      return `Bad socket read/write on client ${id}: ${mosquitto_strerror(reason)}`;
  }
}

/**
 * Ends a client's connection for `reason`: logs why (when connection_messages is on), stops
 * watching the socket and hands the context to context__disconnect (will, session expiry).
 *
 * A websockets client only has its connection closed here, with nothing logged. Its context is
 * disconnected when the WebSocket has closed, by a second call with MOSQ_ERR_CONN_LOST; so, as
 * in mosquitto, whatever ended it is logged as `Client ID closed its connection.`.
 * @adapted the reason texts, with their mosquitto_strerror fallback, sit in
 *   disconnect_reason_text; lws_close_when_sent stands in for lws_callback_on_writable, whose
 *   callback sends what is queued and then closes because of the state
 */
export function do_disconnect(context: mosquitto, reason: number): void {
  if (context.state === mosq_cs_disconnected) {
    return;
  }
  if (context.wsi) {
    const is_duplicate = context.state === mosq_cs_duplicate;
    if (context.state !== mosq_cs_disconnecting && context.state !== mosq_cs_disconnect_with_will) {
      mosquitto__set_state(context, mosq_cs_disconnect_ws);
    }
    if (context.sock) {
      lws_close_when_sent(context);
      db.contexts_by_sock.delete(context);
      mux__delete(context);
      context.sock = null;
    }
    if (is_duplicate) {
      /* The new connection with this id is added once this returns, while this one is still
       * closing. */
      context__remove_from_by_id(context);
    }
    return;
  }
  if (db.config!.connection_messages) {
    const id = context.id ?? '<unknown>';
    if (context.state !== mosq_cs_disconnecting && context.state !== mosq_cs_disconnect_with_will) {
      const text = disconnect_reason_text(id, reason);
      if (text) log__printf(null, MOSQ_LOG_NOTICE, text);
    } else if (reason === MOSQ_ERR_ADMINISTRATIVE_ACTION) {
      log__printf(null, MOSQ_LOG_NOTICE, `Client ${id} been disconnected by administrative action.`);
    } else {
      log__printf(null, MOSQ_LOG_NOTICE, `Client ${id} disconnected.`);
    }
  }
  mux__delete(context);
  context__disconnect(context);
}
