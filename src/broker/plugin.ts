/**
 * The version 5 plugin interface of src/plugin.c: loading a plugin that speaks it, the
 * registration of event callbacks (by plugins and by the built-in checks of security_default.ts),
 * and the delivery of the message, tick and disconnect events.
 *
 * Each set of security options (the global one, or one per listener with
 * `per_listener_settings true`) keeps one utlist list of callbacks per event; `$CONTROL/...`
 * callbacks live in a Map keyed on their topic (control.ts).
 * @module
 */
import {
  MOSQ_ERR_ALREADY_EXISTS,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
  MOSQ_LOG_ERR,
} from '../include/mosquitto.js';
import {
  MOSQ_EVT_ACL_CHECK,
  MOSQ_EVT_BASIC_AUTH,
  MOSQ_EVT_CONTROL,
  MOSQ_EVT_DISCONNECT,
  MOSQ_EVT_EXT_AUTH_CONTINUE,
  MOSQ_EVT_EXT_AUTH_START,
  MOSQ_EVT_MESSAGE,
  MOSQ_EVT_PSK_KEY,
  MOSQ_EVT_RELOAD,
  MOSQ_EVT_TICK,
} from '../include/mosquitto_broker.js';
import type {
  MOSQ_FUNC_generic_callback,
  mosquitto_evt_disconnect,
  mosquitto_evt_message,
  mosquitto_evt_tick,
} from '../include/mosquitto_broker.js';
import type { mosq_out } from '../include/mosquitto_plugin.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { DL_APPEND, DL_DELETE } from '../deps/utlist.js';
import { control__register_callback, control__unregister_callback } from './control.js';
import { LIB_CLOSE, LIB_SYM } from './lib_load.js';
import type { mosquitto_lib } from './lib_load.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';
import type {
  FUNC_plugin_cleanup_v5,
  FUNC_plugin_init_v5,
  mosquitto__auth_plugin,
  mosquitto__callback,
  mosquitto__listener,
  mosquitto__security_options,
  mosquitto_msg_store,
  mosquitto_opt,
  mosquitto_plugin_id_t,
  plugin__callbacks,
} from './mosquitto_broker_internal.js';
import { LIB_ERROR } from './security.js';

/** The name of one event's callback list in plugin__callbacks (every event but MOSQ_EVT_CONTROL). */
type plugin__callback_list = Exclude<keyof plugin__callbacks, 'control'>;

/**
 * Is `cb_func` already in the callback list starting at `cb_base`?
 */
function check_callback_exists(cb_base: mosquitto__callback | null, cb_func: MOSQ_FUNC_generic_callback): boolean {
  for (let tail = cb_base; tail; tail = tail.next) {
    if (tail.cb === cb_func) {
      return true;
    }
  }
  return false;
}

/**
 * Takes `cb_func` out of one event's callback list; MOSQ_ERR_NOT_FOUND if it is not there.
 * @adapted C gets a pointer to the list head; here the callbacks and the list's name, since the
 * head may change
 */
function remove_callback(callbacks: plugin__callbacks, cb_base: plugin__callback_list, cb_func: MOSQ_FUNC_generic_callback): number {
  for (let tail = callbacks[cb_base]; tail; tail = tail.next) {
    if (tail.cb === cb_func) {
      callbacks[cb_base] = DL_DELETE(callbacks[cb_base]!, tail);
      return MOSQ_ERR_SUCCESS;
    }
  }
  return MOSQ_ERR_NOT_FOUND;
}

/**
 * Binds a version 5 plugin's two required entry points, gives it an identity tied to its
 * listener (null: the global options) and runs its init, which registers its callbacks.
 * @adapted the plugin's `void **user_data` out-parameter is a holder copied back to the plugin record
 */
export function plugin__load_v5(listener: mosquitto__listener | null, plugin: mosquitto__auth_plugin,
  options: mosquitto_opt[], option_count: number, lib: mosquitto_lib): number {
  let rc: number;

  if (!(plugin.plugin_init_v5 = LIB_SYM(lib, 'mosquitto_plugin_init') as FUNC_plugin_init_v5 | null)) {
    log__printf(null, MOSQ_LOG_ERR,
      'Error: Unable to load plugin function mosquitto_plugin_init().');
    LIB_ERROR();
    LIB_CLOSE(lib);
    return MOSQ_ERR_UNKNOWN;
  }
  if (!(plugin.plugin_cleanup_v5 = LIB_SYM(lib, 'mosquitto_plugin_cleanup') as FUNC_plugin_cleanup_v5 | null)) {
    log__printf(null, MOSQ_LOG_ERR,
      'Error: Unable to load plugin function mosquitto_plugin_cleanup().');
    LIB_ERROR();
    LIB_CLOSE(lib);
    return MOSQ_ERR_UNKNOWN;
  }

  const pid: mosquitto_plugin_id_t = { listener };

  plugin.lib = lib;
  plugin.user_data = null;
  plugin.identifier = pid;

  if (plugin.plugin_init_v5) {
    const user_data: mosq_out<unknown> = { value: plugin.user_data };
    rc = plugin.plugin_init_v5(pid, user_data, options, option_count);
    plugin.user_data = user_data.value;
    if (rc) {
      log__printf(null, MOSQ_LOG_ERR,
        `Error: Plugin returned ${rc} when initialising.`);
      return rc;
    }
  }

  return 0;
}

/**
 * Tells every disconnect callback that `context` went away, with `reason`.
 */
export function plugin__handle_disconnect(context: mosquitto, reason: number): void {
  let opts: mosquitto__security_options;

  if (db.config!.per_listener_settings) {
    if (context.listener === null) {
      return;
    }
    opts = context.listener.security_options;
  } else {
    opts = db.config!.security_options;
  }

  const event_data: mosquitto_evt_disconnect = {
    client: context,
    reason,
  };
  for (let cb_base = opts.plugin_callbacks.disconnect; cb_base; cb_base = cb_base.next) {
    cb_base.cb(MOSQ_EVT_DISCONNECT, event_data, cb_base.userdata);
  }
}

/**
 * Shows an incoming message to the message callbacks, which may change its topic, payload,
 * retain flag and properties, or refuse it; the first one that does not answer
 * MOSQ_ERR_SUCCESS stops the round and its code is returned. The changes are written back to
 * the stored message.
 * @adapted the C frees the replaced payload; here the garbage collector drops it
 */
export function plugin__handle_message(context: mosquitto, stored: mosquitto_msg_store): number {
  let opts: mosquitto__security_options;
  let rc = MOSQ_ERR_SUCCESS;

  if (db.config!.per_listener_settings) {
    if (context.listener === null) {
      return MOSQ_ERR_SUCCESS;
    }
    opts = context.listener.security_options;
  } else {
    opts = db.config!.security_options;
  }
  if (opts.plugin_callbacks.message === null) {
    return MOSQ_ERR_SUCCESS;
  }

  const event_data: mosquitto_evt_message = {
    client: context,
    topic: stored.topic,
    payloadlen: stored.payloadlen,
    payload: stored.payload,
    qos: stored.qos,
    retain: stored.retain,
    properties: stored.properties,
    reason_code: 0,
    reason_string: null,
  };

  for (let cb_base: mosquitto__callback | null = opts.plugin_callbacks.message; cb_base; cb_base = cb_base.next) {
    rc = cb_base.cb(MOSQ_EVT_MESSAGE, event_data, cb_base.userdata);
    if (rc !== MOSQ_ERR_SUCCESS) {
      break;
    }
  }

  stored.topic = event_data.topic;
  if (stored.payload !== event_data.payload) {
    stored.payload = event_data.payload;
    stored.payloadlen = event_data.payloadlen;
  }
  stored.retain = event_data.retain;
  stored.properties = event_data.properties;

  return rc;
}

/**
 * Calls the tick callbacks once per main loop pass. As in mosquitto 2.0.11 only the global
 * options' callbacks get the tick: with per_listener_settings nobody does.
 */
export function plugin__handle_tick(): void {
  if (db.config!.per_listener_settings) {
    /* mosquitto 2.0.11 leaves the per-listener case unimplemented. */
  } else {
    const opts = db.config!.security_options;
    const event_data: mosquitto_evt_tick = {
      now_ns: 0,
      next_ns: 0,
      now_s: 0,
      next_s: 0,
    };

    for (let cb_base = opts.plugin_callbacks.tick; cb_base; cb_base = cb_base.next) {
      cb_base.cb(MOSQ_EVT_TICK, event_data, cb_base.userdata);
    }
  }
}

/**
 * The callback list of `event` (null for an event with no list), or undefined when the event
 * is not supported.
 * @tsonly the C repeats this switch in register and unregister; it picks a list head pointer
 */
function plugin__callback_list_of(event: number): plugin__callback_list | null | undefined {
  switch (event) {
    case MOSQ_EVT_RELOAD:
      return 'reload';
    case MOSQ_EVT_ACL_CHECK:
      return 'acl_check';
    case MOSQ_EVT_BASIC_AUTH:
      return 'basic_auth';
    case MOSQ_EVT_PSK_KEY:
      return 'psk_key';
    case MOSQ_EVT_EXT_AUTH_START:
      return 'ext_auth_start';
    case MOSQ_EVT_EXT_AUTH_CONTINUE:
      return 'ext_auth_continue';
    case MOSQ_EVT_CONTROL:
      return null;
    case MOSQ_EVT_MESSAGE:
      return 'message';
    case MOSQ_EVT_TICK:
      return 'tick';
    case MOSQ_EVT_DISCONNECT:
      return 'disconnect';
    default:
      return undefined;
  }
}

/**
 * Registers `cb_func` for `event` in the security options of the plugin's listener (or the
 * global ones). A `$CONTROL` callback takes its topic in `event_data`. The same function may
 * be registered once per event (MOSQ_ERR_ALREADY_EXISTS).
 * @adapted `event_data` is `const void *` in C; only a string (the control topic) is used
 */
export function mosquitto_callback_register(identifier: mosquitto_plugin_id_t, event: number,
  cb_func: MOSQ_FUNC_generic_callback | null, event_data: unknown, userdata: unknown): number {
  let security_options: mosquitto__security_options;

  if (cb_func === null) return MOSQ_ERR_INVAL;

  if (identifier.listener === null) {
    security_options = db.config!.security_options;
  } else {
    security_options = identifier.listener.security_options;
  }

  const cb_base = plugin__callback_list_of(event);
  if (cb_base === null) {
    return control__register_callback(security_options, cb_func,
      typeof event_data === 'string' ? event_data : null, userdata);
  } else if (cb_base === undefined) {
    return MOSQ_ERR_NOT_SUPPORTED;
  }

  const callbacks = security_options.plugin_callbacks;
  if (check_callback_exists(callbacks[cb_base], cb_func)) {
    return MOSQ_ERR_ALREADY_EXISTS;
  }

  const cb_new: mosquitto__callback = {
    next: null,
    prev: null,
    cb: cb_func,
    userdata,
    data: null,
  };
  callbacks[cb_base] = DL_APPEND(callbacks[cb_base], cb_new);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Removes `cb_func` from `event`'s callbacks in the plugin's security options; for a
 * `$CONTROL` callback `event_data` is the topic. MOSQ_ERR_NOT_FOUND if it was not registered.
 * @adapted `event_data` is `const void *` in C; only a string (the control topic) is used
 */
export function mosquitto_callback_unregister(identifier: mosquitto_plugin_id_t | null, event: number,
  cb_func: MOSQ_FUNC_generic_callback | null, event_data: unknown): number {
  let security_options: mosquitto__security_options;

  if (identifier === null || cb_func === null) {
    return MOSQ_ERR_INVAL;
  }

  if (identifier.listener === null) {
    security_options = db.config!.security_options;
  } else {
    security_options = identifier.listener.security_options;
  }
  const cb_base = plugin__callback_list_of(event);
  if (cb_base === null) {
    return control__unregister_callback(security_options, cb_func,
      typeof event_data === 'string' ? event_data : null);
  } else if (cb_base === undefined) {
    return MOSQ_ERR_NOT_SUPPORTED;
  }

  return remove_callback(security_options.plugin_callbacks, cb_base, cb_func);
}
