import { beforeEach, describe, expect, it, vi } from 'vitest';

/* Capture what the $SYS tree queues instead of running the real message store. */
const queued: { topic: string; text: string; qos: number; retain: boolean; expiry: number }[] = [];
vi.mock('../../../src/broker/database.js', () => ({
  db__messages_easy_queue: (_ctx: unknown, topic: string, qos: number, len: number, payload: Buffer,
    retain: boolean, expiry: number) => {
    queued.push({ topic, text: payload.subarray(0, len).toString(), qos, retain, expiry });
    return 0;
  },
}));

/* The namespace object keeps `db` live across db__reset (a destructured copy would not). */
const internal = await import('../../../src/broker/mosquitto_broker_internal.js');
const { calc_load, g, sys_tree__format_2f, sys_tree__init, sys_tree__reset, sys_tree__update } =
  await import('../../../src/broker/sys_tree.js');
type mosquitto = import('../../../src/lib/mosquitto_internal.js').mosquitto;
type config = import('../../../src/broker/mosquitto_broker_internal.js').mosquitto__config;

/** The last text queued on each topic since the queue was cleared. */
function last_values(): Map<string, string> {
  const m = new Map<string, string>();
  for (const q of queued) m.set(q.topic, q.text);
  return m;
}

/** Runs one update at monotonic second `now` with the broker started at second 1000. */
function update_at(now: number): Map<string, string> {
  queued.length = 0;
  internal.db.now_s = now;
  sys_tree__update(1, 1000);
  return last_values();
}

beforeEach(() => {
  internal.db__reset();
  internal.db.config = { sys_interval: 1, retain_available: true } as unknown as config;
  sys_tree__reset();
  queued.length = 0;
});

describe('calc_load', () => {
  it('publishes the starting value unchanged on the first call', () => {
    expect(calc_load('$SYS/t', true, 0.5, 1234, 0)).toBe(0);
    expect(queued).toEqual([{ topic: '$SYS/t', text: '0.00', qos: 2, retain: true, expiry: 60 }]);
  });

  it('moves the load towards the interval rate by the exponent', () => {
    const e = Math.exp(-2 / 60);
    const v = calc_load('$SYS/t', false, e, 240, 0);
    expect(v).toBeCloseTo(240 * (1 - e), 12);
    expect(queued.map((q) => q.text)).toEqual(['7.87']);
  });

  it('stays quiet when the load moves by less than 0.01, yet keeps the new value', () => {
    const e = Math.exp(-2 / 900);
    const v = calc_load('$SYS/t', false, e, 0, 0.5327);
    expect(v).toBeCloseTo(0.5327 * e, 12);
    expect(queued).toEqual([]);
  });
});

describe('sys_tree__format_2f', () => {
  it('rounds like printf %.2f, exact ties to even', () => {
    /* Expected strings from Python's '%.2f' (same rounding as glibc). */
    expect(sys_tree__format_2f(0.125)).toBe('0.12');
    expect(sys_tree__format_2f(0.375)).toBe('0.38');
    expect(sys_tree__format_2f(0.625)).toBe('0.62');
    expect(sys_tree__format_2f(1.125)).toBe('1.12');
    expect(sys_tree__format_2f(1.005)).toBe('1.00');
    expect(sys_tree__format_2f(0.005)).toBe('0.01');
    expect(sys_tree__format_2f(12345.675)).toBe('12345.67');
    expect(sys_tree__format_2f(2.5)).toBe('2.50');
    expect(sys_tree__format_2f(0)).toBe('0.00');
  });
});

describe('sys_tree__init', () => {
  it('publishes the version once, retained, with no expiry', () => {
    sys_tree__init();
    expect(queued).toEqual([
      { topic: '$SYS/broker/version', text: 'mosquitto version 2.0.11', qos: 2, retain: true, expiry: 0 },
    ]);
  });

  it('publishes nothing when sys_interval is 0', () => {
    internal.db.config!.sys_interval = 0;
    sys_tree__init();
    expect(queued).toEqual([]);
  });
});

describe('sys_tree__update', () => {
  it('publishes every periodic topic on the first update, loads at 0.00', () => {
    const v = update_at(1000);
    expect(v.get('$SYS/broker/uptime')).toBe('0 seconds');
    expect(v.get('$SYS/broker/clients/total')).toBe('0');
    expect(v.has('$SYS/broker/clients/maximum')).toBe(false);
    for (const what of ['messages/received', 'messages/sent', 'publish/dropped', 'publish/received',
      'publish/sent', 'bytes/received', 'bytes/sent', 'sockets', 'connections']) {
      for (const span of ['1min', '5min', '15min']) {
        expect(v.get(`$SYS/broker/load/${what}/${span}`)).toBe('0.00');
      }
    }
    expect(v.size).toBe(51);
    expect(queued.every((q) => q.qos === 2 && q.retain && q.expiry === 60)).toBe(true);
    expect(v.has('$SYS/broker/heap/current')).toBe(true);
    expect(v.has('$SYS/broker/heap/maximum')).toBe(true);
  });

  it('waits for more than the interval between updates', () => {
    update_at(1000);
    expect(update_at(1001).size).toBe(0);
    expect(update_at(1002).get('$SYS/broker/uptime')).toBe('2 seconds');
  });

  it('gives the loads the real broker showed for 8 messages and 3 connections in 2 s', () => {
    update_at(1000);
    g.g_msgs_received = 8;
    g.g_socket_connections = 3;
    g.g_connection_count = 3;
    let v = update_at(1002);
    expect(v.get('$SYS/broker/load/messages/received/1min')).toBe('7.87');
    expect(v.get('$SYS/broker/load/messages/received/5min')).toBe('1.59');
    expect(v.get('$SYS/broker/load/messages/received/15min')).toBe('0.53');
    expect(v.get('$SYS/broker/load/sockets/1min')).toBe('2.95');
    expect(v.get('$SYS/broker/load/connections/15min')).toBe('0.20');
    expect(v.get('$SYS/broker/messages/received')).toBe('8');
    expect(g.g_socket_connections).toBe(0);
    expect(g.g_connection_count).toBe(0);

    /* No new traffic: the loads decay; a change under 0.01 is not published. */
    v = update_at(1004);
    expect(v.get('$SYS/broker/load/messages/received/1min')).toBe('7.61');
    expect(v.get('$SYS/broker/load/messages/received/5min')).toBe('1.58');
    expect(v.has('$SYS/broker/load/messages/received/15min')).toBe(false);
    expect(v.has('$SYS/broker/messages/received')).toBe(false);
  });

  it('republishes only the values that changed', () => {
    update_at(1000);
    internal.db.retained_count = 5;
    g.g_bytes_sent = 100;
    const v = update_at(1002);
    const topics = [...v.keys()].filter((t) => !t.startsWith('$SYS/broker/load/') && !t.startsWith('$SYS/broker/heap/'));
    expect(topics.sort()).toEqual(['$SYS/broker/bytes/sent', '$SYS/broker/retained messages/count', '$SYS/broker/uptime']);
    expect(v.get('$SYS/broker/retained messages/count')).toBe('5');
  });

  it('tracks connected, disconnected and maximum clients', () => {
    update_at(1000);
    const a = { id: 'a' } as unknown as mosquitto;
    const b = { id: 'b' } as unknown as mosquitto;
    internal.db.contexts_by_id.set('a', a);
    internal.db.contexts_by_id.set('b', b);
    internal.db.contexts_by_sock.add(a);
    let v = update_at(1002);
    expect(v.get('$SYS/broker/clients/total')).toBe('2');
    expect(v.get('$SYS/broker/clients/maximum')).toBe('2');
    expect(v.get('$SYS/broker/clients/connected')).toBe('1');
    expect(v.get('$SYS/broker/clients/active')).toBe('1');
    expect(v.get('$SYS/broker/clients/disconnected')).toBe('1');
    expect(v.get('$SYS/broker/clients/inactive')).toBe('1');

    /* Fewer clients: total drops, the maximum stays. */
    internal.db.contexts_by_id.delete('b');
    v = update_at(1004);
    expect(v.get('$SYS/broker/clients/total')).toBe('1');
    expect(v.has('$SYS/broker/clients/maximum')).toBe(false);
    expect(v.get('$SYS/broker/clients/disconnected')).toBe('0');

    /* A socket with no session yet: the unsigned difference wraps, printed as -1 like C's %d. */
    internal.db.contexts_by_sock.add(b);
    v = update_at(1006);
    expect(v.get('$SYS/broker/clients/disconnected')).toBe('-1');
    expect(v.get('$SYS/broker/clients/connected')).toBe('2');

    g.g_clients_expired = 3;
    expect(update_at(1008).get('$SYS/broker/clients/expired')).toBe('3');
  });
});
