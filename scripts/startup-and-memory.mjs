#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout, URL */
/**
 * Start-up time and idle memory of the port next to Debian's mosquitto 2.0.11.
 *
 * For each broker, RUNS times: spawn it with a one-listener config, poll the port with TCP
 * connects until one is accepted (that is the start-up time, spawn -> first accepted connection),
 * let it sit idle for IDLE_MS, read VmRSS from /proc/<pid>/status, stop it. Prints the median
 * start-up time (ms) and the median idle RSS (KiB) as a small table.
 *
 *   node scripts/startup-and-memory.mjs [--runs 5] [--idle-ms 1000]
 *
 * Needs the port built (npx tsc -p tsconfig.json). Uses ports 2500-2599.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RUNS = opt('--runs', 5);
const IDLE_MS = opt('--idle-ms', 1000);
const PORT_ENTRY = fileURLToPath(new URL('../dist/bin/mosquitto.js', import.meta.url));
const DEBIAN = '/usr/sbin/mosquitto';

const brokers = [
  { name: 'port (node dist/bin/mosquitto.js)', cmd: process.execPath, pre: [PORT_ENTRY] },
  { name: 'debian (/usr/sbin/mosquitto)', cmd: DEBIAN, pre: [] },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portIsFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen({ port, host: '::', exclusive: true }, () => s.close(() => res(true)));
  });
}

async function freePort() {
  for (let i = 0; i < 100; i++) {
    const port = 2500 + Math.floor(Math.random() * 100);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port in 2500-2599');
}

function probe(port) {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

function vmRssKiB(pid) {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function once(b, dir) {
  const port = await freePort();
  const conf = join(dir, `mosquitto-${port}.conf`);
  const user = process.getuid?.() === 0 ? 'user root\n' : '';
  writeFileSync(conf, `listener ${port}\nallow_anonymous true\n${user}`);
  const t0 = performance.now();
  const child = spawn(b.cmd, [...b.pre, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((res) => child.once('exit', res));
  try {
    const deadline = t0 + 15000;
    while (!(await probe(port))) {
      if (child.exitCode !== null) throw new Error(`${b.name} exited: ${err}`);
      if (performance.now() > deadline) throw new Error(`${b.name} did not listen on ${port}: ${err}`);
      await sleep(1);
    }
    const startup = performance.now() - t0;
    await sleep(IDLE_MS);
    const rss = vmRssKiB(child.pid);
    return { startup, rss };
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}

if (!existsSync(PORT_ENTRY)) {
  console.error(`${PORT_ENTRY} missing: build the port first (npx tsc -p tsconfig.json)`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'startup-bench-'));
const rows = [];
try {
  for (const b of brokers) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(b, dir));
    rows.push({
      name: b.name,
      startup: median(runs.map((r) => r.startup)),
      min: Math.min(...runs.map((r) => r.startup)),
      max: Math.max(...runs.map((r) => r.startup)),
      rss: median(runs.map((r) => r.rss)),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const head = ['broker', `startup_ms_median_of_${RUNS}`, 'startup_ms_min', 'startup_ms_max', 'idle_rss_kib'];
const body = rows.map((r) => [r.name, r.startup.toFixed(1), r.min.toFixed(1), r.max.toFixed(1), String(r.rss)]);
const width = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
const fmt = (row) => row.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
console.log(fmt(head));
for (const row of body) console.log(fmt(row));
console.log(`(idle RSS read ${IDLE_MS} ms after the first accepted connection; median over ${RUNS} runs)`);
