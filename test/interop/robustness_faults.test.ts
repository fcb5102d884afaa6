/*
 * Faults (issue 8, item 5), port and Debian's mosquitto 2.0.11 side by side: SIGTERM saves the
 * retained messages, sessions, subscriptions and queued messages; kill -9 loses at most what
 * arrived after the last autosave (autosave_interval seconds: here 1); a client vanishing in the
 * middle of a packet changes nothing for anybody else; a full disk during a save leaves the old
 * database intact and the broker running (needs a small tmpfs: skipped where mount is not allowed).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerKind, type RunningBroker } from './helpers/broker.js';
import { raw_client, robustnessPort } from './helpers/raw.js';
import { lstr, packet } from '../fuzz/mqtt_gen.js';

const KINDS: BrokerKind[] = ['port', 'debian'];
const root = mkdtempSync(join(tmpdir(), 'robust-faults-'));
const running = new Set<RunningBroker>();
const mounts: string[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  for (const b of running) await b.stop();
  for (const m of mounts) { try { execFileSync('umount', [m]); } catch { /* already gone */ } }
  rmSync(root, { recursive: true, force: true });
});

async function start(kind: BrokerKind, conf: string, port: number): Promise<RunningBroker> {
  const b = await startBroker(kind, conf, { port, readiness: 'log' });
  running.add(b);
  return b;
}

async function stop(b: RunningBroker, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const exited = new Promise((r) => b.proc.once('exit', r));
  b.proc.kill(signal);
  await exited;
  await b.stop();
  running.delete(b);
}

function persist_conf(dir: string, extra = ''): string {
  return `allow_anonymous true\npersistence true\npersistence_location ${dir}/\n${extra}`;
}

/** Connects, subscribes to `filter` and returns what arrives within a PINGREQ round trip + 300 ms. */
async function collect(port: number, id: string, filter: string | null, clean: boolean): Promise<string[]> {
  const c = new raw_client();
  await c.connect(port, id, { clean });
  if (filter) await c.subscribe(filter, 1);
  await c.ping();
  await sleep(300);
  c.disconnect();
  return c.received.map((m) => `${m.topic}=${m.payload}${m.retain ? ' (r)' : ''}`);
}

describe('faults, port and mosquitto 2.0.11 side by side', () => {
  it('SIGTERM saves retained messages, sessions, subscriptions and queued messages', async () => {
    const results = await Promise.all(KINDS.map(async (kind) => {
      const dir = join(root, `term-${kind}`);
      mkdirSync(dir);
      const port = await robustnessPort('faults');
      let b = await start(kind, persist_conf(dir), port);
      const sub = new raw_client();
      await sub.connect(port, 'durable', { clean: false });
      await sub.subscribe('q/#', 1);
      sub.disconnect();
      await sleep(100);
      const pub = new raw_client();
      await pub.connect(port, 'pub');
      await pub.publish('r/kept', 'retained', 1, true);
      for (let i = 0; i < 5; i++) await pub.publish(`q/${i}`, `m${i}`, 1);
      pub.disconnect();
      await sleep(100);
      await stop(b, 'SIGTERM');
      b = await start(kind, persist_conf(dir), port);
      const queued = await collect(port, 'durable', null, false);
      const retained = await collect(port, 'fresh', 'r/#', true);
      await stop(b, 'SIGTERM');
      return { queued, retained };
    }));
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual({ queued: ['q/0=m0', 'q/1=m1', 'q/2=m2', 'q/3=m3', 'q/4=m4'], retained: ['r/kept=retained (r)'] });
  }, 30000);

  it('kill -9 keeps what the last autosave saw (window: autosave_interval)', async () => {
    const results = await Promise.all(KINDS.map(async (kind) => {
      const dir = join(root, `kill-${kind}`);
      mkdirSync(dir);
      const port = await robustnessPort('faults');
      let b = await start(kind, persist_conf(dir, 'autosave_interval 1\n'), port);
      const pub = new raw_client();
      await pub.connect(port, 'pub');
      await pub.publish('r/early', 'saved', 1, true);
      await sleep(2500);
      pub.disconnect();
      await stop(b, 'SIGKILL');
      b = await start(kind, persist_conf(dir, 'autosave_interval 1\n'), port);
      const retained = await collect(port, 'fresh', 'r/#', true);
      await stop(b, 'SIGTERM');
      return retained;
    }));
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual(['r/early=saved (r)']);
  }, 30000);

  it('a client vanishing mid-packet: nothing is delivered, others carry on', async () => {
    const results = await Promise.all(KINDS.map(async (kind) => {
      const port = await robustnessPort('faults');
      const b = await start(kind, 'allow_anonymous true\n', port);
      const watcher = new raw_client();
      await watcher.connect(port, 'watcher');
      await watcher.subscribe('v/#', 1);
      for (const cut of [1, 2, 5, 20]) {
        const c = new raw_client();
        await c.connect(port, `vanish-${cut}`);
        const whole = packet(0x32, Buffer.concat([lstr('v/cut'), Buffer.from([0, 1]), Buffer.alloc(100, 0x41)]));
        c.sock.write(whole.subarray(0, cut));
        await sleep(50);
        c.drop();
      }
      const ok = new raw_client();
      await ok.connect(port, 'after');
      await ok.publish('v/ok', 'fine', 1);
      ok.disconnect();
      await watcher.ping();
      await sleep(200);
      const got = watcher.received.map((m) => m.topic);
      watcher.disconnect();
      const alive = b.proc.exitCode === null;
      await stop(b, 'SIGTERM');
      return { got, alive };
    }));
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual({ got: ['v/ok'], alive: true });
  }, 20000);

  let can_mount = false;
  try {
    const probe = join(root, 'mount-probe');
    mkdirSync(probe);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    can_mount = true;
  } catch { /* no privilege to mount: the full-disk test is skipped */ }

  it.skipIf(!can_mount)('a full disk during a save leaves the old database intact and the broker running', async () => {
    const results = await Promise.all(KINDS.map(async (kind) => {
      const dir = join(root, `full-${kind}`);
      mkdirSync(dir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
      mounts.push(dir);
      const port = await robustnessPort('faults');
      let b = await start(kind, persist_conf(dir), port);
      const pub = new raw_client();
      await pub.connect(port, 'pub');
      await pub.publish('r/small', 'first', 1, true);
      b.proc.kill('SIGUSR1');
      await sleep(500);
      const saved = readFileSync(join(dir, 'mosquitto.db'));
      /* Leave about 8 KiB free, then retain 64 KiB: the next save cannot fit. */
      const free = Number(execFileSync('df', ['--output=avail', '-B1', dir]).toString().split('\n')[1]);
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, free - 8192)));
      await pub.publish('r/big', 'x'.repeat(65536), 1, true);
      b.proc.kill('SIGUSR1');
      await sleep(500);
      const alive = b.proc.exitCode === null;
      const save_error = b.stderr.some((l) => /Error: No space left on device\./.test(l));
      const intact = readFileSync(join(dir, 'mosquitto.db')).equals(saved);
      /* With room again, the clean stop saves everything that was in memory. */
      rmSync(join(dir, 'filler'));
      pub.disconnect();
      await stop(b, 'SIGTERM');
      b = await start(kind, persist_conf(dir), port);
      const retained = (await collect(port, 'fresh', 'r/#', true)).map((s) => s.slice(0, 20));
      await stop(b, 'SIGTERM');
      return { alive, save_error, intact, retained: retained.sort() };
    }));
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual({ alive: true, save_error: true, intact: true, retained: ['r/big=xxxxxxxxxxxxxx', 'r/small=first (r)'] });
  }, 30000);
});
