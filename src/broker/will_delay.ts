/**
 * Delayed wills (src/will_delay.c): a client that disconnects with an MQTT 5 Will Delay Interval
 * waits on this list; its will goes out when the delay has passed, unless it reconnects first.
 * @module
 */
import { MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import { DL_DELETE, DL_INSERT_INORDER } from '../deps/utlist.js';
import type { mosquitto, will_delay_list } from '../lib/mosquitto_internal.js';
import { db } from './mosquitto_broker_internal.js';
import { context__add_to_disused, context__send_will } from './context.js';

/** The waiting clients, shortest delay interval first. */
let delay_list: will_delay_list | null = null;
/** When will_delay__check last ran, in wall-clock seconds. */
let last_check = 0;

/** Orders list entries by the clients' will delay intervals. */
function will_delay__cmp(i1: will_delay_list, i2: will_delay_list): number {
  return i1.context.will_delay_interval - i2.context.will_delay_interval;
}

/** Puts a disconnected client on the delayed-will list, unless it is already there. */
export function will_delay__add(context: mosquitto): number {
  if (context.will_delay_entry) {
    return MOSQ_ERR_SUCCESS;
  }

  const item: will_delay_list = { context, prev: null, next: null };
  context.will_delay_entry = item;
  item.context.will_delay_time = db.now_real_s + item.context.will_delay_interval;

  delay_list = DL_INSERT_INORDER(delay_list, item, will_delay__cmp);

  return MOSQ_ERR_SUCCESS;
}

/** Sends every pending will at once; used when the broker shuts down. */
export function will_delay__send_all(): void {
  let item = delay_list;
  while (item) {
    const tmp = item.next;
    delay_list = DL_DELETE(delay_list!, item);
    item.context.will_delay_interval = 0;
    item.context.will_delay_entry = null;
    context__send_will(item.context);
    item = tmp;
  }
}

/**
 * Sends the wills whose delay has run out, at most once per second; a client with no session
 * left to keep is then marked for freeing.
 */
export function will_delay__check(): void {
  if (db.now_real_s <= last_check) return;

  last_check = db.now_real_s;

  let item = delay_list;
  while (item) {
    const tmp = item.next;
    if (item.context.will_delay_time < db.now_real_s) {
      delay_list = DL_DELETE(delay_list!, item);
      item.context.will_delay_interval = 0;
      item.context.will_delay_entry = null;
      context__send_will(item.context);
      if (item.context.session_expiry_interval === 0) {
        context__add_to_disused(item.context);
      }
    } else {
      return;
    }
    item = tmp;
  }
}

/** Takes a client off the delayed-will list, e.g. because it reconnected. */
export function will_delay__remove(mosq: mosquitto): void {
  if (mosq.will_delay_entry !== null) {
    delay_list = DL_DELETE(delay_list!, mosq.will_delay_entry);
    mosq.will_delay_entry = null;
  }
}
