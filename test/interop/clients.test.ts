/**
 * Real MQTT clients against the port: Debian's mosquitto_pub/mosquitto_sub/mosquitto_passwd and
 * MQTT.js 5. Every case runs against the port and, as a check on the test itself, against Debian's
 * mosquitto 2.0.11 with the same config. Needs the port built (`npx tsc -p tsconfig.json`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as mqtt_connect, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORT_PASSWD_ENTRY, freePort, startBroker, stopAll, type BrokerKind, type RunningBroker } from './helpers/broker.js';
import { mqttClient, pub, run, sub, until } from './helpers/clients.js';

const kinds: BrokerKind[] = ['port', 'debian'];

afterAll(async () => {
  await stopAll();
});

interface received {
  topic: string;
  payload: string;
  packet: IPublishPacket;
}

/** Collects every message a client receives. */
function collect(c: MqttClient): received[] {
  const got: received[] = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), packet }));
  return got;
}

describe.each(kinds)('clients against %s', (kind) => {
  let b: RunningBroker;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    b = await startBroker(kind, 'allow_anonymous true\n', { verbose: true });
  });

  afterAll(async () => {
    for (const c of open) c.end(true);
    await b?.stop();
  });

  /** MQTT.js client remembered for clean-up. */
  async function client(opts: Parameters<typeof mqttClient>[1], setup?: (c: MqttClient) => void): Promise<MqttClient> {
    const c = await mqttClient(b.port, opts, setup);
    open.push(c);
    return c;
  }

  /** Waits until the broker has sent SUBACK to the client id. */
  function subscribed(id: string): Promise<string> {
    return b.waitForLine(new RegExp(`^\\d+: Sending SUBACK to ${id}$`));
  }

  it('(a) retained message: kept for a later subscriber, cleared by an empty retained publish', async () => {
    const t = `interop/${kind}/retained`;
    expect((await pub(b.port, ['-i', 'ret-pub1', '-t', t, '-m', 'kept', '-r', '-q', '1'])).code).toBe(0);

    const s1 = await sub(b.port, ['-i', 'ret-sub1', '-t', t, '-C', '1', '-W', '5']).done;
    expect(s1.code).toBe(0);
    expect(s1.stdout).toBe('kept\n');

    expect((await pub(b.port, ['-i', 'ret-pub2', '-t', t, '-n', '-r', '-q', '1'])).code).toBe(0);

    // After the clear, the first message a new subscriber sees is a marker published after SUBACK.
    const s2 = sub(b.port, ['-i', 'ret-sub2', '-t', t, '-t', `${t}-marker`, '-C', '1', '-W', '5', '-v']);
    await subscribed('ret-sub2');
    expect((await pub(b.port, ['-i', 'ret-pub3', '-t', `${t}-marker`, '-m', 'marker'])).code).toBe(0);
    const r2 = await s2.done;
    expect(r2.code).toBe(0);
    expect(r2.stdout).toBe(`${t}-marker marker\n`);
  });

  /**
   * Publishes N QoS 2 messages and checks the subscriber gets each exactly once, in order.
   * `window` = how many PUBLISHes may be unanswered at once (null: all at once).
   */
  async function qos2(protocolVersion: 4 | 5, window: number | null, tag: string): Promise<void> {
    const N = 200;
    const t = `interop/${kind}/qos2/${tag}/v${protocolVersion}`;
    const s = await client({ clientId: `q2-sub-${tag}-${protocolVersion}`, protocolVersion });
    const got = collect(s);
    await s.subscribeAsync(t, { qos: 2 });
    const p = await client({ clientId: `q2-pub-${tag}-${protocolVersion}`, protocolVersion });
    const step = window ?? N;
    for (let first = 0; first < N; first += step) {
      const batch = Array.from({ length: Math.min(step, N - first) }, (_, i) => String(first + i));
      await Promise.all(batch.map((m) => p.publishAsync(t, m, { qos: 2 })));
    }
    // A QoS 2 end marker: anything duplicated would have arrived before it.
    await p.publishAsync(t, 'end', { qos: 2 });
    await until(() => got.some((m) => m.payload === 'end'), 10000, 'the end marker');
    const payloads = got.map((m) => m.payload);
    expect(payloads).toEqual([...Array.from({ length: N }, (_, i) => String(i)), 'end']);
    expect(got.every((m) => m.packet.qos === 2 && !m.packet.dup)).toBe(true);
  }

  it.each([4, 5] as const)('(b) QoS 2 exactly once and in order, 200 messages, 20 in flight at a time, MQTT v%i', async (protocolVersion) => {
    await qos2(protocolVersion, 20, 'win');
  }, 30000);

  // All 200 at once overruns the broker's in-flight window (max_inflight_messages / Receive
  // Maximum 20): upstream 2.0.11, and so the port, queue the excess incoming messages
  // (handle__publish -> db__ready_for_queue). Debian's 2.0.11-1.2+deb12u2 carries a back-ported
  // CVE-2023-28366 fix that refuses them instead (PUBREC rc 151, Quota exceeded), so it is
  // skipped for Debian.
  it.skipIf(kind === 'debian').each([4, 5] as const)('(b) QoS 2 exactly once and in order, 200 messages all at once, MQTT v%i', async (protocolVersion) => {
    await qos2(protocolVersion, null, 'all');
  }, 30000);

  it.each([4, 5] as const)('(c) will: sent on abrupt close, not sent on clean DISCONNECT, MQTT v%i', async (protocolVersion) => {
    const base = `interop/${kind}/will/v${protocolVersion}`;
    const s = await client({ clientId: `will-sub-${protocolVersion}`, protocolVersion });
    const got = collect(s);
    await s.subscribeAsync(`${base}/+`, { qos: 1 });

    const abrupt = await client({
      clientId: `will-abrupt-${protocolVersion}`, protocolVersion,
      will: { topic: `${base}/abrupt`, payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    abrupt.stream.destroy();
    await until(() => got.length > 0, 5000, 'the will message');
    expect(got.map((m) => [m.topic, m.payload])).toEqual([[`${base}/abrupt`, 'gone']]);

    const clean = await client({
      clientId: `will-clean-${protocolVersion}`, protocolVersion,
      will: { topic: `${base}/clean`, payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    await clean.endAsync();
    await b.waitForLine(new RegExp(`^\\d+: Client will-clean-${protocolVersion} disconnected\\.$`));
    const p = await client({ clientId: `will-marker-${protocolVersion}`, protocolVersion });
    await p.publishAsync(`${base}/clean`, 'marker', { qos: 1 });
    await until(() => got.length > 1, 5000, 'the marker');
    expect(got.map((m) => [m.topic, m.payload])).toEqual([[`${base}/abrupt`, 'gone'], [`${base}/clean`, 'marker']]);
  });

  describe('(d) offline queue', () => {
    const cases = [
      { name: 'MQTT 3.1.1, clean=false', protocolVersion: 4 as const, first: { clean: false }, again: { clean: false } },
      {
        name: 'MQTT 5, session expiry 300 s', protocolVersion: 5 as const,
        first: { clean: true, properties: { sessionExpiryInterval: 300 } },
        again: { clean: false, properties: { sessionExpiryInterval: 300 } },
      },
    ];
    it.each(cases)('$name: QoS 1 messages published while away arrive on reconnect', async ({ protocolVersion, first, again }) => {
      const id = `offq-${protocolVersion}`;
      const t = `interop/${kind}/offq/v${protocolVersion}`;
      const s = await client({ clientId: id, protocolVersion, ...first });
      await s.subscribeAsync(t, { qos: 1 });
      await s.endAsync();
      await b.waitForLine(new RegExp(`^\\d+: Client ${id} disconnected\\.$`));

      const p = await client({ clientId: `${id}-pub`, protocolVersion });
      for (let i = 0; i < 5; i++) await p.publishAsync(t, `m${i}`, { qos: 1 });

      let connack: IConnackPacket | undefined;
      let got: received[] = [];
      await client({ clientId: id, protocolVersion, ...again }, (c) => {
        got = collect(c);
        c.once('connect', (ck) => { connack = ck; });
      });
      expect(connack?.sessionPresent).toBe(true);
      await until(() => got.length >= 5, 5000, 'the queued messages');
      expect(got.map((m) => m.payload)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(got.every((m) => m.packet.qos === 1)).toBe(true);
    });

    it('MQTT 5 without session expiry: nothing is kept', async () => {
      const id = 'offq-5-noexp';
      const s = await client({ clientId: id, protocolVersion: 5, clean: true });
      await s.subscribeAsync(`interop/${kind}/offq/noexp`, { qos: 1 });
      await s.endAsync();
      await b.waitForLine(new RegExp(`^\\d+: Client ${id} disconnected\\.$`));
      let connack: IConnackPacket | undefined;
      await client({ clientId: id, protocolVersion: 5, clean: false }, (c) => {
        c.once('connect', (ck) => { connack = ck; });
      });
      expect(connack?.sessionPresent).toBe(false);
    });
  });

  it('(e) $SYS/broker/version', async () => {
    const r = await sub(b.port, ['-i', 'sys-sub', '-t', '$SYS/broker/version', '-C', '1', '-W', '5']).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('mosquitto version 2.0.11\n');
  });

  it.each([
    ['mqttv31', 'mqttv31', 'p1'],
    ['mqttv311', 'mqttv311', 'p2'],
    ['mqttv5', 'mqttv5', 'p5'],
    ['mqttv31', 'mqttv5', 'p1'],
    ['mqttv5', 'mqttv31', 'p5'],
  ])('(g) mosquitto_sub -V %s receives from mosquitto_pub -V %s', async (sv, pv, proto) => {
    const t = `interop/${kind}/ver/${sv}/${pv}`;
    const sid = `v-sub-${sv}-${pv}`;
    const s = sub(b.port, ['-V', sv, '-i', sid, '-t', t, '-q', '1', '-C', '1', '-W', '5']);
    // The log shows mosquitto's protocol enum: p1 = 3.1, p2 = 3.1.1, p5 = 5.0.
    const connected = await b.waitForLine(new RegExp(`^\\d+: New client connected from .* as ${sid} \\(`));
    expect(connected).toContain(`(${proto}, c1, k60)`);
    await subscribed(sid);
    const r = await pub(b.port, ['-V', pv, '-i', `v-pub-${sv}-${pv}`, '-t', t, '-m', `hello ${pv}`, '-q', '1']);
    expect(r.code).toBe(0);
    const got = await s.done;
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(`hello ${pv}\n`);
  });
});

describe.each(kinds)('(h) MQTT over WebSockets against %s', (kind) => {
  it('an MQTT.js client connects over ws:// and gets a message published over TCP', async () => {
    const ws = await freePort();
    // 'log' readiness: the TCP listener answers before the websockets one is open.
    const b = await startBroker(kind, `listener {{port}}\nlistener ${ws}\nprotocol websockets\nallow_anonymous true\n`, { readiness: 'log' });
    try {
      const c = await new Promise<MqttClient>((res, rej) => {
        const x = mqtt_connect(`ws://127.0.0.1:${ws}`, { clientId: `ws-${kind}`, reconnectPeriod: 0, connectTimeout: 3000 });
        x.once('connect', () => res(x));
        x.once('error', (e) => { x.end(true); rej(e); });
      });
      const got = collect(c);
      await c.subscribeAsync('interop/ws', { qos: 1 });
      expect((await pub(b.port, ['-t', 'interop/ws', '-m', 'over tcp', '-q', '1'])).code).toBe(0);
      await until(() => got.length === 1, 5000, 'the message over ws');
      expect(got[0].payload).toBe('over tcp');
      await c.endAsync();
    } finally {
      await b.stop();
    }
  });
});

describe('(f) username and password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interop-passwd-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The accept/refuse checks, for a broker that knows `user`/`pass`. */
  async function check(b: RunningBroker, user: string, pass: string): Promise<void> {
    const t = ['-t', 'interop/auth', '-m', 'x'];
    expect((await pub(b.port, ['-u', user, '-P', pass, ...t])).code).toBe(0);
    expect((await pub(b.port, ['-V', 'mqttv5', '-u', user, '-P', pass, ...t])).code).toBe(0);
    // mosquitto_pub exits with the CONNACK code.
    expect((await pub(b.port, ['-u', user, '-P', `${pass}-wrong`, ...t])).code).toBe(5);
    expect((await pub(b.port, ['-V', 'mqttv5', '-u', user, '-P', `${pass}-wrong`, ...t])).code).toBe(135);
    expect((await pub(b.port, ['-u', 'nobody-here', '-P', pass, ...t])).code).toBe(5);
    expect((await pub(b.port, t)).code).toBe(5);
    expect((await pub(b.port, ['-V', 'mqttv5', ...t])).code).toBe(135);

    await expect(mqttClient(b.port, { clientId: 'auth-bad-4', protocolVersion: 4, username: user, password: 'nope' }))
      .rejects.toMatchObject({ code: 5 });
    await expect(mqttClient(b.port, { clientId: 'auth-bad-5', protocolVersion: 5, username: user, password: 'nope' }))
      .rejects.toMatchObject({ code: 135 });
    const ok = await mqttClient(b.port, { clientId: 'auth-ok-5', protocolVersion: 5, username: user, password: pass });
    await ok.endAsync();
  }

  it('a password file made by Debian\'s mosquitto_passwd logs a user in to the port (and to Debian)', async () => {
    const file = join(dir, 'debian.pw');
    const r = await run('mosquitto_passwd', ['-c', '-b', file, 'alice', 'secret one']);
    expect(r.code).toBe(0);
    for (const kind of kinds) {
      const b = await startBroker(kind, `allow_anonymous false\npassword_file ${file}\n`);
      try {
        await check(b, 'alice', 'secret one');
      } finally {
        await b.stop();
      }
    }
  }, 30000);

  it('a password file made by the port\'s mosquitto_passwd logs users in to Debian\'s mosquitto (and to the port)', async () => {
    const file = join(dir, 'port.pw');
    const r1 = await run(process.execPath, [PORT_PASSWD_ENTRY, '-c', '-b', file, 'bob', 'hunter2']);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await run(process.execPath, [PORT_PASSWD_ENTRY, '-b', file, 'carol', 'p@ss:word']);
    expect(r2.code, r2.stderr).toBe(0);
    for (const kind of kinds) {
      const b = await startBroker(kind, `allow_anonymous false\npassword_file ${file}\n`);
      try {
        await check(b, 'bob', 'hunter2');
        expect((await pub(b.port, ['-u', 'carol', '-P', 'p@ss:word', '-t', 'interop/auth', '-m', 'x'])).code).toBe(0);
      } finally {
        await b.stop();
      }
    }
  }, 30000);
});
