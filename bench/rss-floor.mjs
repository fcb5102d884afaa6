#!/usr/bin/env node
/* global process, console, URL */
/**
 * Where an idle Node broker's RSS comes from: a Node process with one listening TCP server, then
 * the same with the Node builtins the port loads, then with the port's broker modules loaded
 * (not started), each in a fresh process, 500 ms after the server listens. Prints anonymous and
 * file-backed RSS (KiB), the medians of 3 runs. The fan-in target of bench/RESULTS.md (3x
 * mosquitto's peak) is compared against these floors there.
 *
 *   node bench/rss-floor.mjs
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BROKER = fileURLToPath(new URL('../dist/broker/mosquitto.js', import.meta.url));
const BUILTINS = ['node:tls', 'node:crypto', 'node:child_process', 'node:dns/promises', 'node:os', 'node:fs/promises', 'node:http', 'node:https'];

/* The child: imports what it is given, listens, and reports its own /proc status. */
const CHILD = `
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
for (const m of process.argv.slice(1)) await import(m);
createServer().listen(0, '127.0.0.1', () => setTimeout(() => {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kib = (f) => Number(new RegExp(f + ':\\\\s+(\\\\d+)').exec(s)[1]);
  console.log(JSON.stringify({ anon: kib('RssAnon'), file: kib('RssFile') }));
  process.exit(0);
}, 500));
`;

function measure(mods) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, ...mods], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    runs.push(JSON.parse(r.stdout));
  }
  const med = (k) => runs.map((x) => x[k]).sort((a, b) => a - b)[1];
  return { anon: med('anon'), file: med('file') };
}

const rows = [
  ['node + one TCP server', []],
  ['+ the builtins the port loads', BUILTINS],
  ['+ the port\'s broker modules', [...BUILTINS, BROKER]],
];
console.log('| process | anonymous KiB | file-backed KiB | RSS MiB |\n|---|---|---|---|');
for (const [name, mods] of rows) {
  const m = measure(mods);
  console.log(`| ${name} | ${m.anon} | ${m.file} | ${((m.anon + m.file) / 1024).toFixed(1)} |`);
}
