/**
 * The `$SYS` tree, compared with the real thing: Debian's mosquitto 2.0.11 and the port run with
 * the same config, get the same warm-up traffic, and must publish the same set of `$SYS` topics.
 * Needs the port built (`npx tsc -p tsconfig.json`, done by scripts/setup.sh).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as net_connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect as mqtt_connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REAL_PORT = 2210;
const PORT_PORT = 2211;
const PORT_ENTRY = fileURLToPath(new URL('../../dist/bin/mosquitto.js', import.meta.url));

interface broker {
  name: string;
  child: ChildProcess;
  output: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'sys-tree-'));
const brokers: broker[] = [];

/** The shared config, on the given port. */
function write_conf(port: number): string {
  const path = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(path, `listener ${port} 127.0.0.1\nallow_anonymous true\nsys_interval 1\nuser root\n`);
  return path;
}

/** Resolves once something accepts TCP connections on the port, rejects after `ms`. */
async function wait_for_port(port: number, b: broker, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (b.child.exitCode !== null) {
      throw new Error(`${b.name} exited (${b.child.exitCode}):\n${b.output.join('')}`);
    }
    const ok = await new Promise<boolean>((res) => {
      const s = net_connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${b.name} did not listen on ${port}:\n${b.output.join('')}`);
}

/** Starts a broker process and waits for its listener. */
async function start(name: string, cmd: string, args: string[], port: number): Promise<void> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const b: broker = { name, child, output: [] };
  child.stdout!.on('data', (d: Buffer) => b.output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => b.output.push(d.toString()));
  brokers.push(b);
  await wait_for_port(port, b);
}

/** Connects an MQTT.js client and waits for CONNACK. */
function client(port: number, clientId: string): Promise<MqttClient> {
  return new Promise((res, rej) => {
    const c = mqtt_connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, protocolVersion: 4 });
    c.once('connect', () => res(c));
    c.once('error', rej);
  });
}

/** The same traffic for each broker: a subscriber, QoS 0 and 1 publishes, a retained message. */
async function warm_up(port: number): Promise<void> {
  const sub = await client(port, 'warm-sub');
  await sub.subscribeAsync('warm/#', { qos: 1 });
  const got = new Promise<void>((res) => {
    let n = 0;
    sub.on('message', () => { if (++n === 4) res(); });
  });
  const pub = await client(port, 'warm-pub');
  await pub.publishAsync('warm/a', 'zero', { qos: 0 });
  await pub.publishAsync('warm/b', 'one', { qos: 1 });
  await pub.publishAsync('warm/c', 'one again', { qos: 1 });
  await pub.publishAsync('warm/r', 'kept', { qos: 1, retain: true });
  await got;
  await pub.endAsync();
  await sub.endAsync();
}

/** Every `$SYS` topic name the broker sends within `ms`. */
async function collect_sys_topics(port: number, ms = 3000): Promise<Set<string>> {
  const c = await client(port, 'sys-watch');
  const topics = new Set<string>();
  c.on('message', (topic) => topics.add(topic));
  await c.subscribeAsync('$SYS/#', { qos: 0 });
  await new Promise((r) => setTimeout(r, ms));
  await c.endAsync();
  return topics;
}

beforeAll(async () => {
  if (!existsSync(PORT_ENTRY)) {
    throw new Error(`${PORT_ENTRY} is missing: build the port with npx tsc -p tsconfig.json`);
  }
  await Promise.all([
    start('mosquitto 2.0.11', '/usr/sbin/mosquitto', ['-c', write_conf(REAL_PORT)], REAL_PORT),
    start('port', process.execPath, [PORT_ENTRY, '-c', write_conf(PORT_PORT)], PORT_PORT),
  ]);
}, 30000);

afterAll(async () => {
  await Promise.all(brokers.map((b) => new Promise<void>((res) => {
    if (b.child.exitCode !== null || b.child.signalCode !== null) return res();
    b.child.once('exit', () => res());
    b.child.kill('SIGTERM');
  })));
  rmSync(dir, { recursive: true, force: true });
});

describe('$SYS tree against mosquitto 2.0.11', () => {
  it('publishes the same topic names after the same warm-up', async () => {
    await Promise.all([warm_up(REAL_PORT), warm_up(PORT_PORT)]);
    const [real, ours] = await Promise.all([collect_sys_topics(REAL_PORT), collect_sys_topics(PORT_PORT)]);

    /* The reference must show the whole tree, or the comparison proves nothing. */
    expect(real.has('$SYS/broker/version')).toBe(true);
    expect(real.has('$SYS/broker/clients/maximum')).toBe(true);
    expect(real.size).toBeGreaterThanOrEqual(53);

    expect([...ours].sort()).toEqual([...real].sort());
  }, 30000);
});
