#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout, URL, Buffer */
/**
 * Side-by-side benchmark: the port, Debian's mosquitto 2.0.11 and aedes 1.x, each started fresh
 * on 127.0.0.1 for every scenario run, interleaved (A B C A B C ...).
 *
 *   npm run bench                       (all scenarios, 5 runs each)
 *   node bench/run.mjs --runs 5 --only qos0,fanin --brokers port,mosquitto --json bench/results.json
 *
 * Scenarios (100-byte payloads): qos0 (1->1, 200k), qos1 (1->1, 50k), fanout (1->50, 10k),
 * fanin (20->1 wildcard, 200k), idle (10,000 connections), startup (spawn -> first CONNACK),
 * plus the cross-linker and site build timings. Every delivery is counted; a run that lost or
 * duplicated a message says so and gives no figure. Ports 3500-3599 only. Needs the port built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, cpus, totalmem, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/* 10,000 connections need more descriptors than the usual 1024: re-run under a raised limit. */
if (!process.env.BENCH_ULIMIT_RAISED) {
  const r = spawnSync('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_ULIMIT_RAISED: '1' } });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('--runs', 5));
const SCALE = Number(opt('--scale', 1)); /* <1 for a quick smoke run */
const ONLY = opt('--only', 'qos0,qos1,fanout,fanin,idle,startup,xref,site').split(',');
const BROKERS = opt('--brokers', 'port,mosquitto,aedes').split(',');
const JSON_OUT = opt('--json', join(ROOT, 'bench', 'results.json'));
const PROFILE = args.includes('--cpu-prof'); /* the port runs under --cpu-prof into $TMPDIR/mosq-bench-prof */

const N_QOS0 = Math.round(200000 * SCALE);
const N_QOS1 = Math.round(50000 * SCALE);
const N_FANOUT = Math.round(10000 * SCALE);
const FANOUT_SUBS = 50;
const N_FANIN = Math.round(200000 * SCALE);
const FANIN_PUBS = 20;
const N_IDLE = Math.round(10000 * SCALE);
const TIMEOUT_MS = 120000;

const tmp = mkdtempSync(join(tmpdir(), 'mosq-bench-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICK = 100; /* USER_HZ for /proc/<pid>/stat */

const brokerDefs = {
  port: { port: 3510, cmd: () => [process.execPath, ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', join(tmpdir(), 'mosq-bench-prof')] : []), join(ROOT, 'dist/bin/mosquitto.js'), '-c', conf(3510)] },
  mosquitto: { port: 3511, cmd: () => ['/usr/sbin/mosquitto', '-c', conf(3511)] },
  /* A second build or flag set of the port, for A/B checks of a change: BENCH_PORTB="node args",
   * BENCH_PORTB_DIST=<a copy of dist/ built before the change>. */
  portB: { port: 3513, cmd: () => [process.execPath, ...(process.env.BENCH_PORTB ?? '').split(' ').filter(Boolean), join(process.env.BENCH_PORTB_DIST ?? join(ROOT, 'dist'), 'bin/mosquitto.js'), '-c', conf(3513)] },
  aedes: { port: 3512, cmd: () => [process.execPath, join(ROOT, 'bench/aedes-server.mjs'), '3512'] },
};

function conf(port) {
  const f = join(tmp, `b${port}.conf`);
  /* Stock limits: nothing but the listener, anonymous access and staying root. */
  writeFileSync(f, `user root\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`);
  return f;
}

/* ---------- process accounting ---------- */

function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 1000 / TICK; /* utime + stime, ms */
  } catch { return NaN; }
}

function procStatus(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch { return NaN; }
}

/**
 * Runs a client command under bash so that `times` reports its CPU (user+sys of the child) on
 * stderr. Resolves { code, cpu_ms, stderr, killed }.
 */
function runClient(cmd, { stdin = null, stdout = null, timeout = TIMEOUT_MS } = {}) {
  const script = `${cmd}; rc=$?; times >&2; exit $rc`;
  const child = spawn('bash', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  if (stdout) child.stdout.pipe(stdout); else child.stdout.resume();
  if (stdin) child.stdin.end(stdin); else child.stdin.end();
  let killed = false;
  const timer = setTimeout(() => { killed = true; spawnSync('pkill', ['-P', String(child.pid)]); child.kill('SIGKILL'); }, timeout);
  const done = new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      const lines = stderr.trim().split('\n');
      const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
      const cpu_ms = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
      resolve({ code, cpu_ms, stderr, killed, t: performance.now() });
    });
  });
  return { child, done };
}

/* ---------- broker lifecycle ---------- */

async function startBroker(name) {
  const def = brokerDefs[name];
  const [cmd, ...a] = def.cmd();
  const t0 = performance.now();
  const child = spawn(cmd, a, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => child.on('exit', r));
  const t_connack = await firstConnack(def.port, child);
  if (t_connack === null) throw new Error(`${name} did not start: ${err}`);
  return { name, child, pid: child.pid, port: def.port, startup_ms: t_connack - t0, exited };
}

async function stopBroker(b) {
  b.child.kill('SIGTERM');
  const t = setTimeout(() => b.child.kill('SIGKILL'), 3000);
  await b.exited;
  clearTimeout(t);
}

/** Tries CONNECT until a CONNACK arrives; resolves its time, or null if the broker died. */
async function firstConnack(port, child) {
  const pkt = Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 0, 0, 0]);
  const deadline = performance.now() + 10000;
  while (performance.now() < deadline && child.exitCode === null) {
    const t = await new Promise((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.on('connect', () => s.write(pkt));
      s.on('data', (d) => { if (d[0] === 0x20) { const now = performance.now(); s.destroy(); resolve(now); } });
      s.on('error', () => resolve(null));
      s.on('close', () => resolve(null));
    });
    if (t !== null) return t;
    await sleep(2);
  }
  return null;
}

/* ---------- payload files ---------- */

/** Lines "<seq> xxx...", 100 bytes each without the newline: seq runs from `first`. */
function makeLines(first, n) {
  const parts = [];
  for (let i = first; i < first + n; i++) parts.push(`${i} `.padEnd(100, 'x'));
  return Buffer.from(parts.join('\n') + '\n');
}

/* ---------- scenarios ---------- */

/**
 * Every throughput scenario: the counting load client subscribes (`subs` connections), then
 * `mosquitto_pub -l` processes publish their files; the load client counts every delivery per
 * subscriber by sequence number and reports lost and duplicated ones. Time: first publisher
 * started -> last delivery counted.
 */
async function counted(b, { subs, topic, qos, total, pubs }) {
  const load = spawn(process.execPath, [join(ROOT, 'bench/load.mjs'), 'fanout', String(b.port), String(subs), topic, String(total), String(TIMEOUT_MS), String(qos)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise((resolve) => load.stdout.on('data', (d) => { out += d; if (out.includes('ready\n')) resolve(); }));
  let exitedAt = 0;
  const exited = new Promise((r) => load.on('exit', () => { exitedAt = performance.now(); r(); }));
  await Promise.race([ready, exited]);
  const cpu0 = procStat(b.pid);
  const t0 = performance.now();
  const runs = pubs.load
    ? [runClient(`${process.execPath} ${join(ROOT, 'bench/load.mjs')} publish ${b.port} ${pubs.load.prefix} ${pubs.load.publishers} ${total / pubs.load.publishers}`)]
    : pubs.map((p) => runClient(`mosquitto_pub -h 127.0.0.1 -p ${b.port} -q ${qos} -t ${p.topic} -l`, { stdin: p.lines }));
  const ps = await Promise.all(runs.map((r) => r.done));
  /* Publishers done: whatever has not arrived 10 s later is lost. */
  const grace = setTimeout(() => load.kill('SIGUSR2'), 10000);
  await exited;
  clearTimeout(grace);
  const ms = exitedAt - t0;
  const broker_cpu_ms = procStat(b.pid) - cpu0;
  const peak = procStatus(b.pid, 'VmHWM');
  const r = JSON.parse(out.trim().split('\n').pop());
  const res = { ms, broker_cpu_ms, sub_cpu_ms: r.cpu_ms, pub_cpu_ms: ps.reduce((a, p) => a + p.cpu_ms, 0), deliveries: r.deliveries, lost: r.lost, duplicated: r.duplicated, peak_rss_kib: peak };
  if (r.lost || r.duplicated || r.bad || r.timed_out) return { ...res, error: `lost ${r.lost}, duplicated ${r.duplicated}${r.timed_out ? ', timed out' : ''}` };
  return { ...res, value: subs * total / ms * 1000 };
}

async function idle(b) {
  await sleep(500);
  const rss0 = procStatus(b.pid, 'VmRSS');
  const cpu0 = procStat(b.pid);
  const load = spawn(process.execPath, [join(ROOT, 'bench/load.mjs'), 'idle', String(b.port), String(N_IDLE), String(TIMEOUT_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const line = new Promise((resolve) => load.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(); }));
  const exited = new Promise((r) => load.on('exit', r));
  await Promise.race([line, exited]);
  const r = JSON.parse(out.trim());
  const broker_cpu_ms = procStat(b.pid) - cpu0;
  await sleep(1000);
  const rss1 = procStatus(b.pid, 'VmRSS');
  load.stdin.end();
  await exited;
  const kib = (rss1 - rss0) / N_IDLE;
  const res = { empty_rss_kib: rss0, full_rss_kib: rss1, kib_per_conn: kib, connect_ms: r.ms, conn_per_s: r.connected / r.ms * 1000, broker_cpu_ms, client_cpu_ms: r.cpu_ms, connected: r.connected, failed: r.failed };
  if (r.connected !== N_IDLE) return { ...res, error: `only ${r.connected} of ${N_IDLE} connected (${r.failed} failed)` };
  return { ...res, value: kib };
}

/* ---------- statistics ---------- */

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarise(runs, key) {
  const xs = runs.filter((r) => !r.error && Number.isFinite(r[key])).map((r) => r[key]);
  if (!xs.length) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/* ---------- main ---------- */

async function timeCommand(cmd, argv, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'ignore' });
    if (r.status !== 0) return { error: `exit ${r.status}` };
    times.push(performance.now() - t0);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), n: times.length };
}

async function main() {
  const results = { machine: { host: hostname(), cpus: cpus().length, cpu: cpus()[0]?.model, mem_gib: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadavg_start: loadavg() }, date: new Date().toISOString(), runs: RUNS, scale: SCALE, scenarios: {} };
  const q0 = ONLY.includes('qos0') ? makeLines(0, N_QOS0) : null;
  const q1 = ONLY.includes('qos1') ? makeLines(0, N_QOS1) : null;
  const fan = ONLY.includes('fanout') ? makeLines(0, N_FANOUT) : null;
  /* Fan-in's 20 publishers are one load-client process: 20 mosquitto_pub processes used more CPU
   * than any of the brokers and were the bottleneck on 2 cores (bench/RESULTS.md). */
  const fin = { load: { prefix: 'bench/in/', publishers: FANIN_PUBS } };

  const scen = [
    ['qos0', 'msg/s', 'higher', (b) => counted(b, { subs: 1, topic: 'bench/q', qos: 0, total: N_QOS0, pubs: [{ topic: 'bench/q', lines: q0 }] })],
    ['qos1', 'msg/s', 'higher', (b) => counted(b, { subs: 1, topic: 'bench/q', qos: 1, total: N_QOS1, pubs: [{ topic: 'bench/q', lines: q1 }] })],
    ['fanout', 'deliveries/s', 'higher', (b) => counted(b, { subs: FANOUT_SUBS, topic: 'bench/fan', qos: 0, total: N_FANOUT, pubs: [{ topic: 'bench/fan', lines: fan }] })],
    ['fanin', 'msg/s', 'higher', (b) => counted(b, { subs: 1, topic: 'bench/in/#', qos: 0, total: N_FANIN, pubs: fin })],
    ['idle', 'KiB/conn', 'lower', (b) => idle(b)],
    ['startup', 'ms', 'lower', async (b) => ({ value: b.startup_ms })],
  ].filter(([name]) => ONLY.includes(name));

  for (const [name] of scen) results.scenarios[name] = Object.fromEntries(BROKERS.map((b) => [b, []]));
  for (let run = 1; run <= RUNS; run++) {
    for (const [name, unit, , fn] of scen) {
      for (const bn of BROKERS) {
        let r;
        const b = await startBroker(bn);
        try {
          r = await fn(b);
        } catch (e) {
          r = { error: String(e?.message ?? e) };
        }
        await stopBroker(b);
        if (name !== 'startup') r.startup_ms = b.startup_ms;
        results.scenarios[name][bn].push(r);
        const fig = r.error ? `NO FIGURE: ${r.error}` : `${r.value.toFixed(name === 'idle' ? 2 : 0)} ${unit}`;
        const cpu = r.broker_cpu_ms !== undefined ? ` (cpu ms: broker ${r.broker_cpu_ms?.toFixed(0)}, clients ${((r.sub_cpu_ms ?? r.client_cpu_ms ?? 0) + (r.pub_cpu_ms ?? 0)).toFixed(0)}, wall ${r.ms?.toFixed?.(0) ?? r.connect_ms})` : '';
        console.log(`run ${run} ${name.padEnd(7)} ${bn.padEnd(9)} ${fig}${cpu}`);
      }
    }
  }

  /* The cross-linker and the site build (the port's own tooling): timed, not compared. */
  if (ONLY.includes('xref')) {
    results.tooling = results.tooling ?? {};
    results.tooling.xref_summary_no_cache_ms = await timeCommand(process.execPath, ['dist/bin/xref.js', 'summary', '--no-cache'], Math.min(RUNS, 3));
  }
  if (ONLY.includes('site')) {
    results.tooling = results.tooling ?? {};
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    results.tooling.site_build_ms = pkg.scripts?.['site:build']
      ? await timeCommand('npm', ['run', '-s', 'site:build'], 1)
      : { error: 'no site:build script yet' };
  }

  /* Summary table. */
  const rows = [];
  results.summary = {};
  for (const [name, unit, better] of scen) {
    const s = {};
    for (const bn of BROKERS) {
      const runs = results.scenarios[name][bn];
      s[bn] = { value: summarise(runs, 'value'), failed_runs: runs.filter((r) => r.error).length,
        broker_cpu_ms: summarise(runs, 'broker_cpu_ms'), wall_ms: summarise(runs, name === 'idle' ? 'connect_ms' : 'ms'),
        peak_rss_kib: summarise(runs, 'peak_rss_kib'), conn_per_s: summarise(runs, 'conn_per_s') };
    }
    const ratio = (o) => (s.port?.value && s[o]?.value ? s.port.value.median / s[o].value.median : null);
    s.ratio_port_mosquitto = ratio('mosquitto');
    s.ratio_port_aedes = ratio('aedes');
    s.unit = unit;
    s.better = better;
    results.summary[name] = s;
    const cell = (bn) => {
      const v = s[bn]?.value;
      if (!v) return s[bn] ? `no figure (${s[bn].failed_runs} failed)` : '-';
      const d = name === 'idle' ? 2 : 0;
      return `${v.median.toFixed(d)} (${v.min.toFixed(d)}-${v.max.toFixed(d)})${s[bn].failed_runs ? ` [${s[bn].failed_runs} failed]` : ''}`;
    };
    const r2 = (x) => (x === null ? '-' : x.toFixed(2));
    rows.push(`| ${name} (${unit}, ${better} is better) | ${BROKERS.map(cell).join(' | ')} | ${r2(s.ratio_port_mosquitto)} | ${r2(s.ratio_port_aedes)} |`);
    if (name === 'idle') {
      const c = (bn) => (s[bn]?.conn_per_s ? s[bn].conn_per_s.median.toFixed(0) : '-');
      const cr = (o) => (s.port?.conn_per_s && s[o]?.conn_per_s ? (s.port.conn_per_s.median / s[o].conn_per_s.median).toFixed(2) : '-');
      rows.push(`| idle connect rate (conn/s, higher is better) | ${BROKERS.map(c).join(' | ')} | ${cr('mosquitto')} | ${cr('aedes')} |`);
    }
    if (name === 'fanin') {
      const c = (bn) => (s[bn]?.peak_rss_kib ? s[bn].peak_rss_kib.median.toFixed(0) : '-');
      const cr = (o) => (s.port?.peak_rss_kib && s[o]?.peak_rss_kib ? (s.port.peak_rss_kib.median / s[o].peak_rss_kib.median).toFixed(2) : '-');
      rows.push(`| fanin peak broker RSS (KiB, lower is better) | ${BROKERS.map(c).join(' | ')} | ${cr('mosquitto')} | ${cr('aedes')} |`);
    }
    if (s.port?.broker_cpu_ms) {
      const c = (bn) => (s[bn]?.broker_cpu_ms && s[bn]?.wall_ms ? `${(100 * s[bn].broker_cpu_ms.median / s[bn].wall_ms.median).toFixed(0)}%` : '-');
      rows.push(`| ${name} broker CPU (median cpu/wall) | ${BROKERS.map(c).join(' | ')} | | |`);
    }
  }
  results.machine.loadavg_end = loadavg();
  const table = [`| scenario | ${BROKERS.join(' | ')} | port/mosquitto | port/aedes |`, `|---|${BROKERS.map(() => '---').join('|')}|---|---|`, ...rows].join('\n');
  console.log(`\nmedian (min-max) of ${RUNS} runs\n${table}`);
  if (results.tooling) console.log(`\ntooling: ${JSON.stringify(results.tooling)}`);
  results.table_markdown = table;
  writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
  console.log(`\nJSON: ${JSON_OUT}`);
  rmSync(tmp, { recursive: true, force: true });
}

await main();
