/*
 * Memory against claims (issue 8, item 2), port and Debian's mosquitto 2.0.11 side by side: huge
 * announced remaining lengths (before and after CONNECT, with and without max_packet_size), huge
 * strings, many properties, thousands of subscriptions, message_size_limit and the queue limit.
 * The brokers' peak RSS (VmHWM) is read from /proc and bounded; both sides' numbers are printed.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDebian, startPort, type RunningBroker } from './helpers/broker.js';
import { exchange_bytes, outcome, raw_client, robustnessPort, split_packets } from './helpers/raw.js';
import { connect_packet, lstr, packet, u16, varint } from '../fuzz/mqtt_gen.js';

const MiB = 1024 * 1024;
const started: RunningBroker[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  for (const b of started.splice(0)) await b.stop();
});

async function pair(conf: string): Promise<RunningBroker[]> {
  const list = await Promise.all([
    startPort(conf, { port: await robustnessPort('memory') }),
    startDebian(conf, { port: await robustnessPort('memory') }),
  ]);
  started.push(...list);
  return list;
}

/** Current and peak resident set size of a process, in bytes. */
function rss(b: RunningBroker): { now: number; peak: number } {
  const status = readFileSync(`/proc/${b.proc.pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)![1]) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

function alive(b: RunningBroker): void {
  expect(b.proc.exitCode).toBeNull();
  expect(b.proc.signalCode).toBeNull();
}

/** The PUBLISH fixed header of a 256 MiB packet and a little of its body. */
const HUGE_PUBLISH = Buffer.concat([Buffer.from([0x30]), varint(268435455), lstr('t'), Buffer.alloc(1000, 0x41)]);

describe('announced sizes, port and mosquitto 2.0.11 side by side', () => {
  it('a packet other than CONNECT first is refused at its first byte, whatever length it announces', async () => {
    const brokers = await pair('allow_anonymous true\n');
    for (const b of brokers) {
      const x = await exchange_bytes(b.port, [HUGE_PUBLISH], 1000);
      expect(outcome(x)).toEqual({ closed: true, connack: null, disconnect: null });
      alive(b);
    }
  });

  it('max_packet_size: a 256 MiB PUBLISH is refused from its header (MQTT 5: DISCONNECT 0x95)', async () => {
    const brokers = await pair('allow_anonymous true\nmax_packet_size 10000\n');
    const results = [];
    for (const b of brokers) {
      const per_version = [];
      for (const v of [3, 4, 5] as const) {
        per_version.push(outcome(await exchange_bytes(b.port, [connect_packet(v, `big-${v}`), HUGE_PUBLISH], 1000)));
      }
      results.push(per_version);
      alive(b);
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0][2]).toEqual({ closed: true, connack: 0, disconnect: 0x95 });
  });

  it('without max_packet_size, 200 clients announcing 256 MiB each do not raise peak RSS by more than 64 MiB', async () => {
    const brokers = await pair('allow_anonymous true\n');
    const report: string[] = [];
    for (const b of brokers) {
      const before = rss(b);
      const clients = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
        const c = new raw_client();
        await c.connect(b.port, `claim-${i}`);
        c.sock.write(HUGE_PUBLISH);
        return c;
      }));
      await sleep(500);
      const after = rss(b);
      /* The broker still serves others while 200 huge packets are pending. */
      const probe = new raw_client();
      expect((await probe.connect(b.port, 'probe'))?.reason).toBe(0);
      await probe.ping();
      probe.drop();
      for (const c of clients) c.drop();
      alive(b);
      report.push(`${b.kind}: peak RSS ${(before.peak / MiB).toFixed(1)} -> ${(after.peak / MiB).toFixed(1)} MiB`);
      expect(after.peak - before.peak).toBeLessThan(64 * MiB);
    }
    console.log(`256 MiB claims x 200: ${report.join('; ')}`);
  });

  it('huge strings and many properties: a 65535-byte client id, 5000 user properties', async () => {
    const brokers = await pair('allow_anonymous true\n');
    const results = [];
    const report: string[] = [];
    for (const b of brokers) {
      const before = rss(b);
      const long_id = outcome(await exchange_bytes(b.port, [connect_packet(4, 'i'.repeat(65535))], 300));
      const props = Buffer.concat(Array.from({ length: 5000 }, (_, i) => Buffer.concat([Buffer.from([38]), lstr(`k${i}`), lstr('v')])));
      const body = Buffer.concat([lstr('MQTT'), Buffer.from([5, 2]), u16(60), varint(props.length), props, lstr('many-props')]);
      const many = outcome(await exchange_bytes(b.port, [packet(0x10, body)], 300));
      const after = rss(b);
      alive(b);
      results.push({ long_id, many });
      report.push(`${b.kind}: peak RSS +${((after.peak - before.peak) / MiB).toFixed(1)} MiB`);
      expect(after.peak - before.peak).toBeLessThan(64 * MiB);
    }
    console.log(`long id + 5000 properties: ${report.join('; ')}`);
    expect(results[0]).toEqual(results[1]);
  });

  it('5000 subscriptions of one client stay within 64 MiB of peak RSS and are all granted', async () => {
    const brokers = await pair('allow_anonymous true\n');
    const granted = [];
    const report: string[] = [];
    for (const b of brokers) {
      const before = rss(b);
      const c = new raw_client();
      await c.connect(b.port, 'many-subs');
      const filters = Array.from({ length: 5000 }, (_, i) => `s/${i % 50}/${i}/+/#`);
      const body = Buffer.concat([u16(7), ...filters.map((f) => Buffer.concat([lstr(f), Buffer.from([1])]))]);
      const answer: Buffer[] = [];
      c.sock.on('data', (d) => answer.push(d));
      c.sock.write(packet(0x82, body));
      await c.ping();
      const suback = split_packets(Buffer.concat(answer)).find((p) => p.first === 0x90);
      granted.push(suback ? suback.body.subarray(2).filter((x) => x === 1).length : -1);
      const after = rss(b);
      c.drop();
      alive(b);
      report.push(`${b.kind}: peak RSS +${((after.peak - before.peak) / MiB).toFixed(1)} MiB`);
      expect(after.peak - before.peak).toBeLessThan(64 * MiB);
    }
    console.log(`5000 subscriptions: ${report.join('; ')}`);
    expect(granted).toEqual([5000, 5000]);
  });

  it('message_size_limit drops a larger PUBLISH; max_queued_messages caps an offline queue', async () => {
    const brokers = await pair('allow_anonymous true\nmessage_size_limit 1000\nmax_queued_messages 10\n');
    const results = [];
    for (const b of brokers) {
      const sub = new raw_client();
      await sub.connect(b.port, `q-sub-${b.kind}`, { clean: false });
      await sub.subscribe('q/#', 1);
      sub.disconnect();
      await sleep(100);
      const pub = new raw_client();
      await pub.connect(b.port, 'q-pub', { version: 5 });
      const too_big = await pub.publish('q/big', 'x'.repeat(2000), 1);
      for (let i = 0; i < 50; i++) await pub.publish(`q/${i}`, 'small', 1);
      pub.disconnect();
      const again = new raw_client();
      await again.connect(b.port, `q-sub-${b.kind}`, { clean: false });
      await again.ping();
      await sleep(300);
      results.push({ too_big, delivered: again.received.map((m) => m.topic) });
      again.disconnect();
      alive(b);
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0].delivered).not.toContain('q/big');
    expect(results[0].delivered.length).toBeLessThanOrEqual(20);
  });
});
