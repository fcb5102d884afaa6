/**
 * Session expiry (src/session_expiry.c): disconnected clients with a persistent session wait on
 * this list, earliest expiry first, until they reconnect or their session runs out.
 * @module
 */
import { MOSQ_ERR_SUCCESS, MOSQ_LOG_NOTICE } from '../include/mosquitto.js';
import { DL_DELETE, DL_INSERT_INORDER } from '../deps/utlist.js';
import type { mosquitto, session_expiry_list } from '../lib/mosquitto_internal.js';
import { db } from './mosquitto_broker_internal.js';
import { context__add_to_disused, context__disconnect, context__send_will } from './context.js';
import { log__printf } from './logging.js';
import { g } from './sys_tree.js';
import { will_delay__remove } from './will_delay.js';

const UINT32_MAX = 4294967295;

/** The sessions waiting to expire, soonest first. */
let expiry_list: session_expiry_list | null = null;
/** When session_expiry__check last ran, in wall-clock seconds. */
let last_check = 0;

/** Orders list entries by the time their sessions expire. */
function session_expiry__cmp(i1: session_expiry_list, i2: session_expiry_list): number {
  if (i1.context.session_expiry_time === i2.context.session_expiry_time) {
    return 0;
  } else if (i1.context.session_expiry_time > i2.context.session_expiry_time) {
    return 1;
  } else {
    return -1;
  }
}

/**
 * Schedules a disconnected client's session to expire, after its own interval or after
 * `persistent_client_expiration`, whichever is shorter. A session that asked never to expire,
 * with no global limit set, is not listed at all.
 */
export function session_expiry__add(context: mosquitto): number {
  if (db.config!.persistent_client_expiration === 0) {
    if (context.session_expiry_interval === UINT32_MAX) {
      /* Never expires, and no global limit overrides that. */
      return MOSQ_ERR_SUCCESS;
    }
  }

  const item: session_expiry_list = { context, prev: null, next: null };
  item.context.session_expiry_time = db.now_real_s;

  if (db.config!.persistent_client_expiration === 0) {
    item.context.session_expiry_time += item.context.session_expiry_interval;
  } else {
    if (db.config!.persistent_client_expiration < item.context.session_expiry_interval) {
      item.context.session_expiry_time += db.config!.persistent_client_expiration;
    } else {
      item.context.session_expiry_time += item.context.session_expiry_interval;
    }
  }
  context.expiry_list_item = item;

  expiry_list = DL_INSERT_INORDER(expiry_list, item, session_expiry__cmp);

  return MOSQ_ERR_SUCCESS;
}

/** Takes a client's session off the expiry list, e.g. because it reconnected. */
export function session_expiry__remove(context: mosquitto): void {
  if (context.expiry_list_item) {
    expiry_list = DL_DELETE(expiry_list!, context.expiry_list_item);
    context.expiry_list_item = null;
  }
}

/** Ends every waiting session at once, without sending wills; used when the broker shuts down. */
export function session_expiry__remove_all(): void {
  let item = expiry_list;
  while (item) {
    const tmp = item.next;
    const context = item.context;
    session_expiry__remove(context);
    context.session_expiry_interval = 0;
    context.will_delay_interval = 0;
    will_delay__remove(context);
    context__disconnect(context);
    item = tmp;
  }
}

/**
 * Expires the sessions whose time has come, at most once per second: logs it, counts it, sends
 * the client's will straight away and marks the context for freeing.
 */
export function session_expiry__check(): void {
  if (db.now_real_s <= last_check) return;

  last_check = db.now_real_s;

  let item = expiry_list;
  while (item) {
    const tmp = item.next;
    if (item.context.session_expiry_time < db.now_real_s) {
      const context = item.context;
      session_expiry__remove(context);

      if (context.id) {
        log__printf(null, MOSQ_LOG_NOTICE, `Expiring client ${context.id} due to timeout.`);
      }
      g.g_clients_expired++;

      /* The session is gone, and so is any reason to delay the will. */
      context.session_expiry_interval = 0;
      context.will_delay_interval = 0;
      will_delay__remove(context);
      context__send_will(context);
      context__add_to_disused(context);
    } else {
      return;
    }
    item = tmp;
  }
}
