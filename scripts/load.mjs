#!/usr/bin/env node
/* global process, console, setTimeout, URL, Buffer */
/*
 * Connection load, the port next to Debian's mosquitto 2.0.11: open --connections MQTT 3.1.1
 * connections (keepalive 60) with --concurrency CONNECTs in flight, hold them for --hold seconds
 * while every client pings each --ping seconds, and report per broker: connections held (CONNACK
 * received and still answering PINGREQ at the end), connect rate, and resident memory per
 * connection (RSS after minus RSS before, in KiB per connection).
 *
 *   npm run build && node scripts/load.mjs [--connections 10000] [--hold 20] [--ping 5]
 *       [--concurrency 500] [--brokers port,debian] [--port 3690] [--json]
 *
 * Needs a file-descriptor limit above the connection count (ulimit -n) for this process and for
 * the brokers it starts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const N = Number(opt('connections', 10000));
const HOLD = Number(opt('hold', 20));
const PING = Number(opt('ping', 5));
const CONCURRENCY = Number(opt('concurrency', 500));
const KINDS = opt('brokers', 'port,debian').split(',');
const BASE_PORT = Number(opt('port', 3690));
const entry = fileURLToPath(new URL('../dist/bin/mosquitto.js', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rss_kib(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/^VmRSS:\s+(\d+)/m.exec(s)[1]), hwm: Number(/^VmHWM:\s+(\d+)/m.exec(s)[1]) };
}

function connect_packet(id) {
  const b = Buffer.from(id);
  return Buffer.concat([Buffer.from([0x10, 12 + b.length, 0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, b.length]), b]);
}

async function start(kind, port) {
  const dir = mkdtempSync(join(tmpdir(), `load-${kind}-`));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port}\nallow_anonymous true\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  const [cmd, argv] = kind === 'port' ? [process.execPath, [entry, '-c', conf]] : ['/usr/sbin/mosquitto', ['-c', conf]];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 200 && !/ running/.test(err); i++) await sleep(25);
  if (!/ running/.test(err)) throw new Error(`${kind} did not start:\n${err}`);
  return { proc, dir };
}

/** One client: resolves when CONNACK arrives (or false on close/error). */
function client(port, id) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const c = { s, pongs: 0, alive: true };
    s.on('connect', () => s.write(connect_packet(id)));
    s.on('data', (d) => {
      for (let i = 0; i < d.length; i += 2) {
        if (d[i] === 0x20) resolve(c);
        if (d[i] === 0xd0) c.pongs++;
      }
    });
    s.on('error', () => { c.alive = false; resolve(null); });
    s.on('close', () => { c.alive = false; resolve(null); });
  });
}

async function run(kind, port) {
  const b = await start(kind, port);
  await sleep(500);
  const before = rss_kib(b.proc.pid);
  const clients = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      const c = await client(port, `load-${i}`);
      if (c) clients.push(c);
    }
  }));
  const connect_s = (Date.now() - t0) / 1000;
  const rounds = Math.max(1, Math.floor(HOLD / PING));
  for (let r = 0; r < rounds; r++) {
    await sleep(PING * 1000);
    for (const c of clients) if (c.alive) c.s.write(Buffer.from([0xc0, 0]));
  }
  await sleep(1000);
  const after = rss_kib(b.proc.pid);
  const held = clients.filter((c) => c.alive && c.pongs === rounds).length;
  for (const c of clients) c.s.destroy();
  const alive = b.proc.exitCode === null;
  b.proc.kill('SIGTERM');
  await sleep(500);
  rmSync(b.dir, { recursive: true, force: true });
  return {
    broker: kind, connections: N, connacks: clients.length, held, broker_alive: alive,
    connect_rate_per_s: Math.round(clients.length / connect_s),
    rss_before_kib: before.rss, rss_after_kib: after.rss, peak_rss_kib: after.hwm,
    kib_per_connection: Number(((after.rss - before.rss) / N).toFixed(2)),
  };
}

const results = [];
for (const [i, kind] of KINDS.entries()) {
  results.push(await run(kind, BASE_PORT + i));
}
if (args.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`${N} connections, held ${HOLD} s with a PINGREQ every ${PING} s`);
  console.log('broker   connacks  held   connect/s  RSS before  RSS after  KiB/connection');
  for (const r of results) {
    console.log(`${r.broker.padEnd(8)} ${String(r.connacks).padStart(8)} ${String(r.held).padStart(6)} ${String(r.connect_rate_per_s).padStart(10)} ${(r.rss_before_kib / 1024).toFixed(1).padStart(8)} MiB ${(r.rss_after_kib / 1024).toFixed(1).padStart(7)} MiB ${String(r.kib_per_connection).padStart(10)}`);
  }
}
process.exit(results.every((r) => r.held === N && r.broker_alive) ? 0 : 1);
