/**
 * The `$SYS/broker/...` statistics tree of src/sys_tree.c, and the counters of src/sys_tree.h
 * that the rest of the broker bumps as bytes and messages pass.
 * @module
 */
import { mosquitto__max_memory_used, mosquitto__memory_used } from '../lib/memory_mosq.js';
import { db__messages_easy_queue } from './database.js';
import { db, VERSION } from './mosquitto_broker_internal.js';

/**
 * The global traffic counters (C: the `g_*` globals of sys_tree.c).
 * @adapted one mutable object, because an ES module cannot let importers assign its bindings
 */
export const g = {
  g_bytes_received: 0,
  g_bytes_sent: 0,
  g_pub_bytes_received: 0,
  g_pub_bytes_sent: 0,
  g_msgs_received: 0,
  g_msgs_sent: 0,
  g_pub_msgs_received: 0,
  g_pub_msgs_sent: 0,
  g_msgs_dropped: 0,
  g_clients_expired: 0,
  g_socket_connections: 0,
  g_connection_count: 0,
};

/** The QoS every `$SYS` message is queued with (C: SYS_TREE_QOS). */
const SYS_TREE_QOS = 2;

/* The C statics start at their type's maximum so that the first update publishes every value. */
const UINT_MAX = 0xffffffff;
const INT_MAX = 0x7fffffff;
/** Stands in for ULONG_MAX/ULLONG_MAX: the largest counter value a JS number holds exactly. */
const ULONG_MAX = Number.MAX_SAFE_INTEGER;

/** The last values sys_tree__update_clients published (C: its function statics). */
const clients_last = {
  client_count: UINT_MAX,
  clients_expired: UINT_MAX,
  client_max: 0,
  disconnected_count: UINT_MAX,
  connected_count: UINT_MAX,
};

/** The last values sys_tree__update_memory published (C: its function statics). */
const memory_last = {
  current_heap: ULONG_MAX,
  max_heap: ULONG_MAX,
};

/** The last published totals and the smoothed loads of sys_tree__update (C: its function statics). */
const update_last = {
  last_update: 0,
  msg_store_count: INT_MAX,
  msg_store_bytes: ULONG_MAX,
  msgs_received: ULONG_MAX,
  msgs_sent: ULONG_MAX,
  publish_dropped: ULONG_MAX,
  pub_msgs_received: ULONG_MAX,
  pub_msgs_sent: ULONG_MAX,
  bytes_received: ULONG_MAX,
  bytes_sent: ULONG_MAX,
  pub_bytes_received: ULONG_MAX,
  pub_bytes_sent: ULONG_MAX,
  subscription_count: INT_MAX,
  shared_subscription_count: INT_MAX,
  retained_count: INT_MAX,

  msgs_received_load1: 0,
  msgs_received_load5: 0,
  msgs_received_load15: 0,
  msgs_sent_load1: 0,
  msgs_sent_load5: 0,
  msgs_sent_load15: 0,
  publish_dropped_load1: 0,
  publish_dropped_load5: 0,
  publish_dropped_load15: 0,

  publish_received_load1: 0,
  publish_received_load5: 0,
  publish_received_load15: 0,
  publish_sent_load1: 0,
  publish_sent_load5: 0,
  publish_sent_load15: 0,

  bytes_received_load1: 0,
  bytes_received_load5: 0,
  bytes_received_load15: 0,
  bytes_sent_load1: 0,
  bytes_sent_load5: 0,
  bytes_sent_load15: 0,

  socket_load1: 0,
  socket_load5: 0,
  socket_load15: 0,

  connection_load1: 0,
  connection_load5: 0,
  connection_load15: 0,
};

/** A fresh copy of each state object, taken before any update ran. */
const initial_state = {
  g: { ...g },
  clients: { ...clients_last },
  memory: { ...memory_last },
  update: { ...update_last },
};

/**
 * Puts the counters and every remembered value back to their start-up state.
 * @tsonly C's statics live for the process; unit tests need each case to start clean
 */
export function sys_tree__reset(): void {
  Object.assign(g, initial_state.g);
  Object.assign(clients_last, initial_state.clients);
  Object.assign(memory_last, initial_state.memory);
  Object.assign(update_last, initial_state.update);
}

/**
 * Queues one retained `$SYS` message with the given text as payload.
 * @tsonly each C call site formats into a shared buffer and calls db__messages_easy_queue itself
 */
function sys_tree__publish(topic: string, text: string, message_expiry_interval: number): void {
  const payload = Buffer.from(text);
  db__messages_easy_queue(null, topic, SYS_TREE_QOS, payload.length, payload, true, message_expiry_interval, null);
}

/**
 * Formats a number as C's printf `%.2f` does.
 * @tsonly toFixed rounds an exact tie (x.125, x.375, ...) upwards where glibc rounds it to even
 */
export function sys_tree__format_2f(value: number): string {
  const scaled = value * 100;
  if (Number.isInteger(value * 8) && !Number.isInteger(value * 4) && Math.abs(scaled) < 2 ** 52) {
    let n = Math.floor(scaled);
    if (n % 2 !== 0) n += 1;
    return (n / 100).toFixed(2);
  }
  return value.toFixed(2);
}

/**
 * Publishes the broker's fixed `$SYS` topics once at start-up, unless `sys_interval` is 0.
 * @adapted queues through sys_tree__publish, which calls db__messages_easy_queue
 */
export function sys_tree__init(): void {
  if (db.config!.sys_interval === 0) {
    return;
  }

  sys_tree__publish('$SYS/broker/version', `mosquitto version ${VERSION}`, 0);
}

/**
 * Publishes the client counts (total, connected, disconnected, expired, maximum) that changed
 * since the last update.
 * @adapted the C scratch buffer parameter is gone; hash counts are Map/Set sizes
 */
function sys_tree__update_clients(): void {
  const count_total = db.contexts_by_id.size;
  const count_by_sock = db.contexts_by_sock.size;

  if (clients_last.client_count !== count_total) {
    clients_last.client_count = count_total;
    sys_tree__publish('$SYS/broker/clients/total', String(clients_last.client_count | 0), 60);

    if (clients_last.client_count > clients_last.client_max) {
      clients_last.client_max = clients_last.client_count;
      sys_tree__publish('$SYS/broker/clients/maximum', String(clients_last.client_max | 0), 60);
    }
  }

  /* Unsigned in C: more sockets than sessions wraps round, and %d then shows a negative number. */
  const disconnected = (count_total - count_by_sock) >>> 0;
  if (clients_last.disconnected_count !== disconnected) {
    clients_last.disconnected_count = disconnected;
    const text = String(clients_last.disconnected_count | 0);
    sys_tree__publish('$SYS/broker/clients/inactive', text, 60);
    sys_tree__publish('$SYS/broker/clients/disconnected', text, 60);
  }
  if (clients_last.connected_count !== count_by_sock) {
    clients_last.connected_count = count_by_sock;
    const text = String(clients_last.connected_count | 0);
    sys_tree__publish('$SYS/broker/clients/active', text, 60);
    sys_tree__publish('$SYS/broker/clients/connected', text, 60);
  }
  if (g.g_clients_expired !== clients_last.clients_expired) {
    clients_last.clients_expired = g.g_clients_expired;
    sys_tree__publish('$SYS/broker/clients/expired', String(clients_last.clients_expired | 0), 60);
  }
}

/**
 * Publishes the current and peak heap sizes when they changed.
 * @adapted the sizes come from the V8 heap (see memory_mosq.ts); the scratch buffer parameter is gone
 */
function sys_tree__update_memory(): void {
  let value_ul = mosquitto__memory_used();
  if (memory_last.current_heap !== value_ul) {
    memory_last.current_heap = value_ul;
    sys_tree__publish('$SYS/broker/heap/current', String(memory_last.current_heap), 60);
  }
  value_ul = mosquitto__max_memory_used();
  if (memory_last.max_heap !== value_ul) {
    memory_last.max_heap = value_ul;
    sys_tree__publish('$SYS/broker/heap/maximum', String(memory_last.max_heap), 60);
  }
}

/**
 * Moves one smoothed load towards the rate of the last interval and publishes it (two decimals)
 * when it moved by at least 0.01; the first call publishes the starting value as it is.
 * @adapted returns the new load instead of writing it through a pointer; no scratch buffer
 */
export function calc_load(topic: string, initial: boolean, exponent: number, interval: number, current: number): number {
  let new_value: number;

  if (initial) {
    new_value = current;
    sys_tree__publish(topic, sys_tree__format_2f(new_value), 60);
  } else {
    new_value = interval + exponent * (current - interval);
    if (Math.abs(new_value - current) >= 0.01) {
      sys_tree__publish(topic, sys_tree__format_2f(new_value), 60);
    }
  }
  return new_value;
}

/**
 * Publishes the periodic `$SYS` topics when more than `interval` seconds passed since the last
 * time: uptime, client counts, the 1/5/15 minute loads, store and subscription counts, heap
 * sizes and the traffic totals, each only when its value changed.
 * @adapted the C function statics live in module objects (see sys_tree__reset)
 */
export function sys_tree__update(interval: number, start_time: number): void {
  const s = update_last;

  if (interval && db.now_s - interval > s.last_update) {
    const uptime = db.now_s - start_time;
    sys_tree__publish('$SYS/broker/uptime', `${uptime | 0} seconds`, 60);

    sys_tree__update_clients();
    let initial_publish = false;
    if (s.last_update === 0) {
      initial_publish = true;
      s.last_update = 1;
    }
    if (s.last_update > 0) {
      const i_mult = 60.0 / (db.now_s - s.last_update);

      const msgs_received_interval = (g.g_msgs_received - s.msgs_received) * i_mult;
      const msgs_sent_interval = (g.g_msgs_sent - s.msgs_sent) * i_mult;
      const publish_dropped_interval = (g.g_msgs_dropped - s.publish_dropped) * i_mult;

      const publish_received_interval = (g.g_pub_msgs_received - s.pub_msgs_received) * i_mult;
      const publish_sent_interval = (g.g_pub_msgs_sent - s.pub_msgs_sent) * i_mult;

      const bytes_received_interval = (g.g_bytes_received - s.bytes_received) * i_mult;
      const bytes_sent_interval = (g.g_bytes_sent - s.bytes_sent) * i_mult;

      const socket_interval = g.g_socket_connections * i_mult;
      g.g_socket_connections = 0;
      const connection_interval = g.g_connection_count * i_mult;
      g.g_connection_count = 0;

      /* Over one minute. */
      let exponent = Math.exp((-1.0 * (db.now_s - s.last_update)) / 60.0);

      s.msgs_received_load1 = calc_load('$SYS/broker/load/messages/received/1min', initial_publish, exponent, msgs_received_interval, s.msgs_received_load1);
      s.msgs_sent_load1 = calc_load('$SYS/broker/load/messages/sent/1min', initial_publish, exponent, msgs_sent_interval, s.msgs_sent_load1);
      s.publish_dropped_load1 = calc_load('$SYS/broker/load/publish/dropped/1min', initial_publish, exponent, publish_dropped_interval, s.publish_dropped_load1);
      s.publish_received_load1 = calc_load('$SYS/broker/load/publish/received/1min', initial_publish, exponent, publish_received_interval, s.publish_received_load1);
      s.publish_sent_load1 = calc_load('$SYS/broker/load/publish/sent/1min', initial_publish, exponent, publish_sent_interval, s.publish_sent_load1);
      s.bytes_received_load1 = calc_load('$SYS/broker/load/bytes/received/1min', initial_publish, exponent, bytes_received_interval, s.bytes_received_load1);
      s.bytes_sent_load1 = calc_load('$SYS/broker/load/bytes/sent/1min', initial_publish, exponent, bytes_sent_interval, s.bytes_sent_load1);
      s.socket_load1 = calc_load('$SYS/broker/load/sockets/1min', initial_publish, exponent, socket_interval, s.socket_load1);
      s.connection_load1 = calc_load('$SYS/broker/load/connections/1min', initial_publish, exponent, connection_interval, s.connection_load1);

      /* Over five minutes. */
      exponent = Math.exp((-1.0 * (db.now_s - s.last_update)) / 300.0);

      s.msgs_received_load5 = calc_load('$SYS/broker/load/messages/received/5min', initial_publish, exponent, msgs_received_interval, s.msgs_received_load5);
      s.msgs_sent_load5 = calc_load('$SYS/broker/load/messages/sent/5min', initial_publish, exponent, msgs_sent_interval, s.msgs_sent_load5);
      s.publish_dropped_load5 = calc_load('$SYS/broker/load/publish/dropped/5min', initial_publish, exponent, publish_dropped_interval, s.publish_dropped_load5);
      s.publish_received_load5 = calc_load('$SYS/broker/load/publish/received/5min', initial_publish, exponent, publish_received_interval, s.publish_received_load5);
      s.publish_sent_load5 = calc_load('$SYS/broker/load/publish/sent/5min', initial_publish, exponent, publish_sent_interval, s.publish_sent_load5);
      s.bytes_received_load5 = calc_load('$SYS/broker/load/bytes/received/5min', initial_publish, exponent, bytes_received_interval, s.bytes_received_load5);
      s.bytes_sent_load5 = calc_load('$SYS/broker/load/bytes/sent/5min', initial_publish, exponent, bytes_sent_interval, s.bytes_sent_load5);
      s.socket_load5 = calc_load('$SYS/broker/load/sockets/5min', initial_publish, exponent, socket_interval, s.socket_load5);
      s.connection_load5 = calc_load('$SYS/broker/load/connections/5min', initial_publish, exponent, connection_interval, s.connection_load5);

      /* Over fifteen minutes. */
      exponent = Math.exp((-1.0 * (db.now_s - s.last_update)) / 900.0);

      s.msgs_received_load15 = calc_load('$SYS/broker/load/messages/received/15min', initial_publish, exponent, msgs_received_interval, s.msgs_received_load15);
      s.msgs_sent_load15 = calc_load('$SYS/broker/load/messages/sent/15min', initial_publish, exponent, msgs_sent_interval, s.msgs_sent_load15);
      s.publish_dropped_load15 = calc_load('$SYS/broker/load/publish/dropped/15min', initial_publish, exponent, publish_dropped_interval, s.publish_dropped_load15);
      s.publish_received_load15 = calc_load('$SYS/broker/load/publish/received/15min', initial_publish, exponent, publish_received_interval, s.publish_received_load15);
      s.publish_sent_load15 = calc_load('$SYS/broker/load/publish/sent/15min', initial_publish, exponent, publish_sent_interval, s.publish_sent_load15);
      s.bytes_received_load15 = calc_load('$SYS/broker/load/bytes/received/15min', initial_publish, exponent, bytes_received_interval, s.bytes_received_load15);
      s.bytes_sent_load15 = calc_load('$SYS/broker/load/bytes/sent/15min', initial_publish, exponent, bytes_sent_interval, s.bytes_sent_load15);
      s.socket_load15 = calc_load('$SYS/broker/load/sockets/15min', initial_publish, exponent, socket_interval, s.socket_load15);
      s.connection_load15 = calc_load('$SYS/broker/load/connections/15min', initial_publish, exponent, connection_interval, s.connection_load15);
    }

    if (db.msg_store_count !== s.msg_store_count) {
      s.msg_store_count = db.msg_store_count;
      const text = String(s.msg_store_count);
      sys_tree__publish('$SYS/broker/messages/stored', text, 60);
      sys_tree__publish('$SYS/broker/store/messages/count', text, 60);
    }

    if (db.msg_store_bytes !== s.msg_store_bytes) {
      s.msg_store_bytes = db.msg_store_bytes;
      sys_tree__publish('$SYS/broker/store/messages/bytes', String(s.msg_store_bytes), 60);
    }

    if (db.subscription_count !== s.subscription_count) {
      s.subscription_count = db.subscription_count;
      sys_tree__publish('$SYS/broker/subscriptions/count', String(s.subscription_count), 60);
    }

    if (db.shared_subscription_count !== s.shared_subscription_count) {
      s.shared_subscription_count = db.shared_subscription_count;
      sys_tree__publish('$SYS/broker/shared_subscriptions/count', String(s.shared_subscription_count), 60);
    }

    if (db.retained_count !== s.retained_count) {
      s.retained_count = db.retained_count;
      sys_tree__publish('$SYS/broker/retained messages/count', String(s.retained_count), 60);
    }

    sys_tree__update_memory();

    if (s.msgs_received !== g.g_msgs_received) {
      s.msgs_received = g.g_msgs_received;
      sys_tree__publish('$SYS/broker/messages/received', String(s.msgs_received), 60);
    }

    if (s.msgs_sent !== g.g_msgs_sent) {
      s.msgs_sent = g.g_msgs_sent;
      sys_tree__publish('$SYS/broker/messages/sent', String(s.msgs_sent), 60);
    }

    if (s.publish_dropped !== g.g_msgs_dropped) {
      s.publish_dropped = g.g_msgs_dropped;
      sys_tree__publish('$SYS/broker/publish/messages/dropped', String(s.publish_dropped), 60);
    }

    if (s.pub_msgs_received !== g.g_pub_msgs_received) {
      s.pub_msgs_received = g.g_pub_msgs_received;
      sys_tree__publish('$SYS/broker/publish/messages/received', String(s.pub_msgs_received), 60);
    }

    if (s.pub_msgs_sent !== g.g_pub_msgs_sent) {
      s.pub_msgs_sent = g.g_pub_msgs_sent;
      sys_tree__publish('$SYS/broker/publish/messages/sent', String(s.pub_msgs_sent), 60);
    }

    if (s.bytes_received !== g.g_bytes_received) {
      s.bytes_received = g.g_bytes_received;
      sys_tree__publish('$SYS/broker/bytes/received', String(s.bytes_received), 60);
    }

    if (s.bytes_sent !== g.g_bytes_sent) {
      s.bytes_sent = g.g_bytes_sent;
      sys_tree__publish('$SYS/broker/bytes/sent', String(s.bytes_sent), 60);
    }

    if (s.pub_bytes_received !== g.g_pub_bytes_received) {
      s.pub_bytes_received = g.g_pub_bytes_received;
      sys_tree__publish('$SYS/broker/publish/bytes/received', String(s.pub_bytes_received), 60);
    }

    if (s.pub_bytes_sent !== g.g_pub_bytes_sent) {
      s.pub_bytes_sent = g.g_pub_bytes_sent;
      sys_tree__publish('$SYS/broker/publish/bytes/sent', String(s.pub_bytes_sent), 60);
    }

    s.last_update = db.now_s;
  }
}
