/**
 * Tests for src/broker/bridge.ts: a bridge started against a local TCP server standing in for
 * the remote broker (the bytes it receives: CONNECT, then SUBSCRIBE/UNSUBSCRIBE and the "1"
 * notification after CONNACK), the local side (subscriptions, "0"/"1" notifications), the
 * reconnect bookkeeping of bridge_check (restart_timeout, backoff, address rotation, lazy
 * start), and bridge__cleanup.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bridge__add_topic } from '../../../src/broker/bridge_topic.js';
import { db__open } from '../../../src/broker/database.js';
import { bd_both, bd_in, bd_out, bst_automatic, bst_lazy, db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__bridge } from '../../../src/broker/mosquitto_broker_internal.js';
import { sub__add } from '../../../src/broker/subs.js';
import { MOSQ_ERR_CONN_PENDING } from '../../../src/include/mosquitto.js';
import {
  mosq_cs_active,
  mosq_cs_connect_pending,
  mosq_cs_disconnected,
  mosq_p_mqtt311,
} from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db } from '../helpers/context.js';
import { connect, packet, publish, str, subscribe } from '../helpers/mqtt_wire.js';
import { received, set_acl } from '../helpers/subs.js';

const logs = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logs.push(msg); return 0; },
  log__close: () => 0,
  log__init: () => 0,
}));

const { bridge__cleanup, bridge__new, bridge__register_local_connections, bridge_check } =
  await import('../../../src/broker/bridge.js');

const STATE_TOPIC = '$SYS/broker/connection/host.b1/state';

/** A bridge as conf.ts leaves a `connection b1` block with mosquitto's defaults. */
function make_bridge(ports: number[], overrides: Partial<mosquitto__bridge> = {}): mosquitto__bridge {
  const b = {
    name: 'b1', addresses: ports.map((port) => ({ address: '127.0.0.1', port })), cur_address: 0,
    address_count: ports.length, primary_retry: 0, primary_retry_sock: null, round_robin: false, try_private: true,
    try_private_accepted: false, clean_start: true, clean_start_local: -1, keepalive: 60, topics: [], topic_count: 0,
    topic_remapping: false, protocol_version: mosq_p_mqtt311, restart_t: 0, remote_clientid: 'host.b1',
    remote_username: null, remote_password: null, local_clientid: 'local.host.b1', local_username: null,
    local_password: null, notification_topic: null, bind_address: null, notifications: true,
    notifications_local_only: false, start_type: bst_automatic, idle_timeout: 60, restart_timeout: 0, backoff_base: 5,
    backoff_cap: 30, threshold: 10, maximum_packet_size: 0, lazy_reconnect: false, attempt_unsubscribe: true,
    initial_notification_done: false, outgoing_retain: true, tls_insecure: false, tls_ocsp_required: false,
    tls_cafile: null, tls_capath: null, tls_certfile: null, tls_keyfile: null, tls_version: null, tls_alpn: null,
    tls_psk_identity: null, tls_psk: null, ...overrides,
  } as mosquitto__bridge;
  bridge__add_topic(b, 'out/#', bd_out, 1, null, null);
  bridge__add_topic(b, 'in/#', bd_in, 1, null, null);
  bridge__add_topic(b, 'both/#', bd_both, 0, null, null);
  db.config!.bridges.push(b);
  db.config!.bridge_count++;
  return b;
}

/** A local TCP server standing in for the remote broker, keeping what each connection sends. */
interface remote {
  server: Server;
  port: number;
  socks: Socket[];
  bytes: Buffer[];
}

function start_remote(): Promise<remote> {
  return new Promise((res) => {
    const r: remote = { server: createServer(), port: 0, socks: [], bytes: [] };
    r.server.on('connection', (s) => {
      r.socks.push(s);
      const i = r.bytes.push(Buffer.alloc(0)) - 1;
      s.on('data', (d) => { r.bytes[i] = Buffer.concat([r.bytes[i], d]); });
      s.on('error', () => { /* the broker may drop it */ });
    });
    r.server.listen(0, '127.0.0.1', () => {
      r.port = (r.server.address() as { port: number }).port;
      res(r);
    });
  });
}

/** A port nothing listens on. */
async function closed_port(): Promise<number> {
  const r = await start_remote();
  await new Promise((res) => r.server.close(res));
  return r.port;
}

async function until(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** An offline persistent session subscribed to the bridge state topics, to see the notifications. */
function watcher(): mosquitto {
  const w = make_context('watch', { online: false, clean_start: false });
  db.contexts_by_id.set('watch', w);
  sub__add(w, '$SYS/broker/connection/#', 1, 0, 0, db.subs!);
  return w;
}

const servers: Server[] = [];

beforeEach(() => {
  reset_db({ connection_messages: true });
  db__open(db.config);
  set_acl(db.config!.security_options);
  logs.length = 0;
});

afterEach(async () => {
  /* Without a socket the context ignores the events of the destroyed one. */
  for (const c of db.bridges) {
    const sock = c?.sock;
    if (c) c.sock = null;
    sock?.destroy();
  }
  for (const s of servers.splice(0)) {
    await new Promise((res) => s.close(res));
  }
});

describe('bridge__new and the connection to the remote broker', () => {
  it('subscribes locally, says "0", sends CONNECT, and after CONNACK subscribes remotely and says "1"', async () => {
    const r = await start_remote();
    servers.push(r.server);
    const w = watcher();
    const b = make_bridge([r.port]);

    expect(bridge__new(b)).toBe(MOSQ_ERR_CONN_PENDING);
    const c = db.contexts_by_id.get('local.host.b1')!;
    expect(db.bridges).toEqual([c]);
    expect(c.state).toBe(mosq_cs_connect_pending);
    expect(c.sub_count).toBe(2); /* out/# and both/# */
    expect(c.will!.msg).toMatchObject({ topic: STATE_TOPIC, payloadlen: 1, qos: 1, retain: true });
    expect(received(w)).toMatchObject([{ topic: STATE_TOPIC, payload: '0', retain: false }]);
    expect(b.restart_timeout).toBeGreaterThanOrEqual(5);
    expect(b.restart_timeout).toBeLessThan(10);
    expect(b.clean_start_local).toBe(1);
    expect(logs).toContain(`Connecting bridge b1 (127.0.0.1:${r.port})`);
    expect(bridge__register_local_connections()).toBe(0);

    const want_connect = connect({
      proto: 4, id: 'host.b1', will: { topic: STATE_TOPIC, payload: '0', qos: 1, retain: true },
    });
    want_connect[8] = 0x84;
    await until(() => r.bytes[0]?.length >= want_connect.length, 'CONNECT');
    expect(r.bytes[0].toString('hex')).toBe(want_connect.toString('hex'));

    r.socks[0].write(Buffer.from([0x20, 2, 0, 0]));
    const want_after = Buffer.concat([
      publish(STATE_TOPIC, '1', { qos: 1, mid: 1, retain: true, proto: 4 }),
      packet(0xa2, Buffer.from([0, 2]), str('out/#')),
      subscribe(3, [['in/#', 1]], { proto: 4 }),
      subscribe(4, [['both/#', 0]], { proto: 4 }),
    ]);
    await until(() => r.bytes[0].length >= want_connect.length + want_after.length, 'the packets after CONNACK');
    expect(r.bytes[0].subarray(want_connect.length).toString('hex')).toBe(want_after.toString('hex'));
    expect(c.state).toBe(mosq_cs_active);
    expect(received(w).map((m) => m.payload)).toEqual(['0', '1']);
    expect(b.restart_timeout).toBe(5);
  });

  it('takes over the context a persistent database restored under the local client id', async () => {
    const port = await closed_port();
    const restored = make_context('local.host.b1', { online: false, clean_start: false });
    db.contexts_by_id.set('local.host.b1', restored);
    bridge__new(make_bridge([port], { notifications: false }));
    expect(db.bridges[0]).toBe(restored);
    expect(restored.bridge!.name).toBe('b1');
    expect(restored.will).toBeNull();
  });

  it('a refused connection ends in a disconnect that publishes the "0" will locally', async () => {
    const port = await closed_port();
    const w = watcher();
    bridge__new(make_bridge([port]));
    bridge__register_local_connections();
    const c = db.bridges[0]!;
    await until(() => c.state === mosq_cs_disconnected, 'the disconnect');
    expect(c.sock).toBeNull();
    expect(received(w).map((m) => m.payload)).toEqual(['0', '0']);
    expect(logs).toContain('Client local.host.b1 closed its connection.');
  });
});

describe('bridge_check', () => {
  it('waits restart_timeout, moves to the next address, then reconnects there', async () => {
    const [p1, p2] = [await closed_port(), await closed_port()];
    const b = make_bridge([p1, p2], { notifications: false, backoff_cap: 0, restart_timeout: 3 });
    bridge__new(b);
    const c = db.bridges[0]!;
    c.sock!.destroy();
    c.sock = null;

    bridge_check();
    expect(b.restart_t).toBe(db.now_s + 3);
    expect(b.cur_address).toBe(1);

    db.now_s += 3;
    bridge_check();
    expect(c.sock).toBeNull(); /* not yet: now_s must pass restart_t */

    db.now_s += 1;
    logs.length = 0;
    bridge_check();
    expect(c.state).toBe(mosq_cs_connect_pending);
    expect(b.restart_t).toBe(0);
    expect(b.primary_retry).toBe(db.now_s + 5);
    expect(logs).toContain(`Connecting bridge b1 (127.0.0.1:${p2})`);
  });

  it('steps the backoff on every attempt, up to the cap', async () => {
    const port = await closed_port();
    const b = make_bridge([port], { notifications: false, backoff_base: 2, backoff_cap: 12, restart_timeout: 2 });
    bridge__new(b);
    const c = db.bridges[0]!;
    const seen: number[] = [b.restart_timeout];
    for (let i = 0; i < 20; i++) {
      c.sock!.destroy();
      c.sock = null;
      bridge_check();
      db.now_s = b.restart_t + 1;
      bridge_check();
      seen.push(b.restart_timeout);
    }
    for (const t of seen) {
      expect(t).toBeGreaterThanOrEqual(2);
      expect(t).toBeLessThanOrEqual(12);
    }
  });

  it('a lazy bridge reconnects only when asked to (lazy_reconnect)', async () => {
    const port = await closed_port();
    const b = make_bridge([port], { notifications: false, start_type: bst_lazy });
    bridge__new(b);
    const c = db.bridges[0]!;
    c.sock!.destroy();
    c.sock = null;
    bridge_check();
    db.now_s += 100;
    bridge_check();
    expect(c.sock).toBeNull();
    b.lazy_reconnect = true;
    bridge_check();
    expect(c.sock).not.toBeNull();
  });
});

describe('bridge__cleanup', () => {
  it('empties the bridge slot and forgets the client ids and credentials', async () => {
    const port = await closed_port();
    const b = make_bridge([port], { notifications: false, remote_username: 'u', remote_password: 'p' });
    bridge__new(b);
    const c = db.bridges[0]!;
    bridge__cleanup(c);
    expect(db.bridges).toEqual([null]);
    expect(b).toMatchObject({ local_clientid: null, remote_clientid: null, remote_username: null, remote_password: null });
  });
});
