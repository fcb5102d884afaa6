/**
 * The `-v` log of the port, line for line against Debian's mosquitto 2.0.11: the same config and
 * the same fixed client script run against both, stderr collected, and the lines compared after
 * masking what legitimately differs (timestamps, ports, generated ids, the config path).
 * Needs the port built (`npx tsc -p tsconfig.json`).
 */
import { UniqueMessageIdProvider, type IClientOptions } from 'mqtt';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as net_connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker, stopAll, type BrokerKind, type RunningBroker } from './helpers/broker.js';
import { mqttClient, until } from './helpers/clients.js';

const CONF = 'listener {{port}}\nallow_anonymous true\nlog_timestamp true\nuser root\n';

const pwdir = mkdtempSync(join(tmpdir(), 'interop-logpw-'));
const PWFILE = join(pwdir, 'pw');
execFileSync('mosquitto_passwd', ['-c', '-b', PWFILE, 'log-user', 'log-pass']);
const AUTH_CONF = `listener {{port}}\nallow_anonymous false\npassword_file ${PWFILE}\nlog_timestamp true\nuser root\n`;

afterAll(async () => {
  await stopAll();
  rmSync(pwdir, { recursive: true, force: true });
});

/** Replaces what may differ between two runs with fixed tokens. */
function mask(line: string): string {
  return line
    .replace(/^\d+: /, 'TS: ')
    .replace(/\b(\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-fA-F:]*:[0-9a-fA-F:]*\]?):\d+\b/g, '$1:PORT')
    .replace(/\bon port \d+\b/g, 'on port PORT')
    .replace(/\bauto-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b/g, 'auto-ID')
    .replace(/^(TS: Config loaded from ).*\.$/, '$1CONF.');
}

/** Client options with fixed ids: message ids start at 1 instead of MQTT.js's random start. */
function opts(clientId: string, protocolVersion: 3 | 4 | 5): IClientOptions {
  return {
    clientId, protocolVersion, keepalive: 60, clean: true,
    ...(protocolVersion === 3 ? { protocolId: 'MQIsdp' as const } : {}),
    messageIdProvider: new UniqueMessageIdProvider(),
  };
}

type scenario = (b: RunningBroker, v: 3 | 4 | 5) => Promise<void>;

/** Waits for a `-v` line of the broker, timestamp aside. */
function line(b: RunningBroker, text: string): Promise<string> {
  const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return b.waitForLine(new RegExp(`^\\d+: ${esc}$`));
}

/** connect, subscribe, publish QoS 1, disconnect — each step waited for in the broker log. */
const basic: scenario = async (b, v) => {
  const sub = await mqttClient(b.port, opts('log-sub', v));
  const got: string[] = [];
  sub.on('message', (_t, p) => got.push(p.toString()));
  await sub.subscribeAsync('log/topic', { qos: 1 });
  const pub = await mqttClient(b.port, opts('log-pub', v));
  await pub.publishAsync('log/topic', 'hello', { qos: 1 });
  await until(() => got.length === 1, 5000, 'the message');
  await line(b, 'Received PUBACK from log-sub (Mid: 1, RC:0)');
  await pub.endAsync();
  await line(b, 'Client log-pub disconnected.');
  await sub.endAsync();
  await line(b, 'Client log-sub disconnected.');
};

/** More of the log: QoS 2 both ways, a retained message, unsubscribe, a will on an abrupt close. */
const wider: scenario = async (b, v) => {
  const sub = await mqttClient(b.port, opts('wide-sub', v));
  const got: string[] = [];
  sub.on('message', (_t, p) => got.push(p.toString()));
  await sub.subscribeAsync({ 'wide/a': { qos: 2 }, 'wide/b/#': { qos: 1 } });
  const pub = await mqttClient(b.port, {
    ...opts('wide-pub', v),
    will: { topic: 'wide/b/will', payload: Buffer.from('bye'), qos: 1, retain: false },
  });
  await pub.publishAsync('wide/a', 'two', { qos: 2 });
  await until(() => got.length === 1, 5000, 'the QoS 2 message');
  await line(b, 'Received PUBCOMP from wide-sub (Mid: 1, RC:0)');
  await pub.publishAsync('wide/b/r', 'kept', { qos: 1, retain: true });
  await until(() => got.length === 2, 5000, 'the retained message');
  await line(b, 'Received PUBACK from wide-sub (Mid: 2, RC:0)');
  await sub.unsubscribeAsync('wide/a');
  pub.stream.destroy();
  await until(() => got.length === 3, 5000, 'the will');
  await line(b, 'Received PUBACK from wide-sub (Mid: 3, RC:0)');
  pub.end(true);
  const late = await mqttClient(b.port, opts('wide-late', v));
  const late_got: string[] = [];
  late.on('message', (_t, p) => late_got.push(p.toString()));
  await late.subscribeAsync('wide/b/r', { qos: 0 });
  await until(() => late_got.length === 1, 5000, 'the retained message for the late subscriber');
  await late.publishAsync('wide/b/r', '', { qos: 0, retain: true });
  await until(() => got.length === 4, 5000, 'the clearing publish');
  await late.endAsync();
  await line(b, 'Client wide-late disconnected.');
  await sub.endAsync();
  await line(b, 'Client wide-sub disconnected.');
};

/** A persistent session: takeover by a second connection, messages queued while away. */
const session: scenario = async (b, v) => {
  const keep: IClientOptions = v === 5
    ? { clean: false, properties: { sessionExpiryInterval: 60 } }
    : { clean: false };
  const first = await mqttClient(b.port, { ...opts('sess-a', v), ...keep });
  await first.subscribeAsync('sess/#', { qos: 1 });
  const got: string[] = [];
  const second = await mqttClient(b.port, { ...opts('sess-a', v), ...keep }, (c) => {
    c.on('message', (_t, p) => got.push(p.toString()));
  });
  await until(() => first.disconnected || !first.connected, 5000, 'the old connection to close');
  first.end(true);
  await second.endAsync();
  await line(b, 'Client sess-a disconnected.');
  const pub = await mqttClient(b.port, opts('sess-p', v));
  await pub.publishAsync('sess/1', 'one', { qos: 1 });
  await pub.publishAsync('sess/2', 'two', { qos: 0 });
  await pub.publishAsync('sess/3', 'three', { qos: 1 });
  await pub.endAsync();
  await line(b, 'Client sess-p disconnected.');
  const got2: string[] = [];
  const third = await mqttClient(b.port, { ...opts('sess-a', v), ...keep }, (c) => {
    c.on('message', (_t, p) => got2.push(p.toString()));
  });
  await until(() => got2.length === 2, 5000, 'the queued messages');
  await line(b, 'Received PUBACK from sess-a (Mid: 2, RC:0)');
  await third.endAsync();
  await line(b, 'Client sess-a disconnected.');
  expect(got).toEqual([]);
  expect(got2).toEqual(['one', 'three']);
};

/** Sends raw bytes on a fresh TCP connection and resolves when the broker closes it. */
function raw(b: RunningBroker, bytes: number[], ms = 5000): Promise<void> {
  return new Promise((res, rej) => {
    const sock = net_connect(b.port, '127.0.0.1', () => sock.write(Buffer.from(bytes)));
    const t = setTimeout(() => { sock.destroy(); rej(new Error(`broker kept the raw connection open after ${Buffer.from(bytes).toString('hex')}`)); }, ms);
    sock.on('data', () => undefined);
    sock.once('close', () => { clearTimeout(t); res(); });
    sock.once('error', () => undefined);
  });
}

/** A CONNECT packet with the given protocol name, level, flags, client id and keepalive. */
function connect_packet(name: string, level: number, flags: number, id: string, keepalive = 60): number[] {
  const body = [0, name.length, ...Buffer.from(name), level, flags, 0, keepalive, 0, id.length, ...Buffer.from(id)];
  return [0x10, body.length, ...body];
}

/** Malformed and refused connections, one after another. */
const malformed: scenario = async (b) => {
  await raw(b, connect_packet('MQTX', 4, 2, 'bad-name'));
  await raw(b, connect_packet('MQTT', 6, 2, 'bad-level'));
  await raw(b, connect_packet('MQTT', 4, 3, 'bad-flags'));
  await raw(b, connect_packet('MQTT', 4, 0, ''));
  await raw(b, [0x30, 0x05, 0x00, 0x01, 0x61, 0x68, 0x69]);
  await raw(b, [0xc0, 0x00]);
  const ok = await mqttClient(b.port, opts('mal-ok', 4));
  ok.stream.write(Buffer.from([0x82, 0x04, 0x00, 0x01, 0x00, 0x00]));
  await line(b, 'Client mal-ok disconnected due to malformed packet.').catch(() => undefined);
  ok.end(true);
};

/** Logins against a password file: right, wrong, unknown user, anonymous; v3.1.1 and v5. */
const auth: scenario = async (b) => {
  let refused = 0;
  for (const v of [4, 5] as const) {
    const ok = await mqttClient(b.port, { ...opts(`auth-ok-${v}`, v), username: 'log-user', password: 'log-pass' });
    await ok.endAsync();
    await line(b, `Client auth-ok-${v} disconnected.`);
    for (const [id, username, password] of [
      [`auth-bad-${v}`, 'log-user', 'wrong'],
      [`auth-who-${v}`, 'nobody', 'log-pass'],
      [`auth-anon-${v}`, undefined, undefined],
    ]) {
      await mqttClient(b.port, { ...opts(id!, v), username, password }).then(
        () => { throw new Error(`${id} was let in`); },
        () => undefined,
      );
      // The refused client has no id yet: the log says "Client <unknown> ...".
      refused++;
      await until(() => b.stderr.filter((l) => l.endsWith(' disconnected, not authorised.')).length === refused,
        5000, `refusal ${refused}`);
    }
  }
};

/** MQTT 5 features: no-local, retain-as-published, topic alias, shared subscriptions. */
const v5features: scenario = async (b) => {
  const got: string[] = [];
  const got2: string[] = [];
  const sub = await mqttClient(b.port, opts('v5-sub', 5), (c) => c.on('message', (t, p) => got.push(`${t} ${p}`)));
  await sub.subscribeAsync({
    'v5/nl': { qos: 1, nl: true },
    'v5/rap': { qos: 1, rap: true },
    'v5/alias': { qos: 0 },
    '$share/g/v5/shared': { qos: 1 },
  });
  const sub2 = await mqttClient(b.port, opts('v5-sub2', 5), (c) => c.on('message', (t, p) => got2.push(`${t} ${p}`)));
  await sub2.subscribeAsync('$share/g/v5/shared', { qos: 1 });
  const mine: string[] = [];
  const pub = await mqttClient(b.port, opts('v5-pub', 5), (c) => c.on('message', (t, p) => mine.push(`${t} ${p}`)));
  await pub.subscribeAsync('v5/nl', { qos: 1, nl: true });
  // One message at a time, each acknowledged by its receiver before the next, to fix the order.
  let acks = 0;
  const acked = async (): Promise<void> => {
    acks++;
    await until(() => b.stderr.filter((l) => / Received PUBACK from v5-sub2? /.test(l)).length === acks, 5000, `PUBACK ${acks}`);
  };
  await pub.publishAsync('v5/nl', 'local', { qos: 1 });
  await acked();
  await pub.publishAsync('v5/rap', 'kept', { qos: 1, retain: true });
  await acked();
  await pub.publishAsync('v5/alias', 'first', { qos: 0, properties: { topicAlias: 1 } });
  await pub.publishAsync('', 'second', { qos: 0, properties: { topicAlias: 1 } });
  await until(() => got.length === 4, 5000, 'the aliased messages');
  for (let i = 0; i < 4; i++) {
    await pub.publishAsync('v5/shared', `s${i}`, { qos: 1 });
    await acked();
  }
  expect(got.length + got2.length).toBe(8);
  expect(mine).toEqual([]);
  await pub.endAsync();
  await line(b, 'Client v5-pub disconnected.');
  await sub2.endAsync();
  await line(b, 'Client v5-sub2 disconnected.');
  await sub.endAsync();
  await line(b, 'Client v5-sub disconnected.');
};

/** A client with keepalive 1 that then stays silent (the broker checks every 5 s). */
const keepalive: scenario = async (b) => {
  await raw(b, connect_packet('MQTT', 4, 2, 'ka-silent', 1), 9000);
};

/** Runs the scenario against a fresh broker of the kind; returns its masked stderr lines. */
async function run_log(kind: BrokerKind, s: scenario, v: 3 | 4 | 5, conf: string): Promise<string[]> {
  const b = await startBroker(kind, conf, { verbose: true, readiness: 'log' });
  try {
    await s(b, v);
  } finally {
    await b.stop();
  }
  return b.stderr.filter((l) => l !== '').map(mask);
}

const cases: [string, scenario, 3 | 4 | 5, string][] = [
  ['basic, MQTT 3.1', basic, 3, CONF],
  ['basic, MQTT 3.1.1', basic, 4, CONF],
  ['basic, MQTT 5', basic, 5, CONF],
  ['wider, MQTT 3.1.1', wider, 4, CONF],
  ['wider, MQTT 5', wider, 5, CONF],
  ['session, MQTT 3.1.1', session, 4, CONF],
  ['session, MQTT 5', session, 5, CONF],
  ['malformed connections', malformed, 4, CONF],
  ['MQTT 5 features', v5features, 5, CONF],
  ['keepalive timeout', keepalive, 4, CONF],
  ['password file logins', auth, 4, AUTH_CONF],
];

describe('-v log lines: port vs Debian mosquitto 2.0.11', () => {
  it.each(cases)('%s', async (_name, s, v, conf) => {
    const [debian, port] = await Promise.all([run_log('debian', s, v, conf), run_log('port', s, v, conf)]);
    if (process.env.INTEROP_PRINT_LOG) console.log(`--- ${_name} (Debian, masked)\n${debian.join('\n')}`);
    // Sanity: the scenario really ran.
    expect(debian.some((l) => l.includes('New connection from'))).toBe(true);
    // One line per row, so a failure prints a line diff (- Debian, + port).
    expect(port.join('\n')).toBe(debian.join('\n'));
  }, 20000);
});
