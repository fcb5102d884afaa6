#!/usr/bin/env node
/* global process, console, URL */
/*
 * The long fuzz run: test/fuzz/decoders.test.ts again and again, each round with a new seed and
 * FUZZ_RUNS=<chunk>, until --inputs generated inputs have been run (each round runs 2 x chunk
 * inputs: chunk through the full read path, chunk/8 through each of the 8 low-level readers; the
 * chunk/10 multi-client sessions it also runs are not counted).
 *
 *   npm run fuzz:long -- --inputs 10000000 --chunk 250000 [--seed 1] [--log fuzz-long.log]
 *
 * A failing round prints fast-check's counterexample and seed (re-run it with FUZZ_SEED=<seed>
 * FUZZ_RUNS=<chunk> npx vitest run test/fuzz/decoders.test.ts), is kept in the log, and the run
 * goes on with the next seed. The last line is a JSON summary; progress lines go to the log too,
 * so a run stopped early (Ctrl-C, SIGTERM) still reports how far it got.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
function opt(name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}
const target = Number(opt('inputs', 10_000_000));
const chunk = Number(opt('chunk', 250_000));
const seed0 = Number(opt('seed', Date.now() % 1_000_000));
const log = opt('log', 'fuzz-long.log');
const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

let done = 0;
let rounds = 0;
const failures = [];
const started = Date.now();
let child = null;
let stopping = false;

function say(line) {
  const text = `${new Date().toISOString()} ${line}`;
  console.log(text);
  appendFileSync(log, `${text}\n`);
}

function summary() {
  const secs = (Date.now() - started) / 1000;
  const s = { inputs: done, rounds, failures: failures.length, failing_seeds: failures, seconds: Math.round(secs), inputs_per_second: Math.round(done / secs), stopped_early: done < target };
  say(`SUMMARY ${JSON.stringify(s)}`);
}

function round(seed) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, [vitest, 'run', 'test/fuzz/decoders.test.ts', '--reporter', 'dot'], {
      cwd: root, env: { ...process.env, FUZZ_RUNS: String(chunk), FUZZ_SEED: String(seed) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code, signal) => { child = null; resolve({ code, signal, out }); });
  });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    /* vitest runs in its own process group: end it with its workers. */
    if (child) process.kill(-child.pid, 'SIGTERM');
    else { summary(); process.exit(0); }
  });
}

say(`fuzz-long: target ${target} inputs, ${2 * chunk} per round, first seed ${seed0}`);
for (let seed = seed0; done < target && !stopping; seed++) {
  const r = await round(seed);
  if (stopping && r.code !== 0) break;
  rounds++;
  done += 2 * chunk;
  if (r.code !== 0) {
    failures.push(seed);
    say(`round ${rounds} seed ${seed} FAILED (exit ${r.code ?? r.signal}):\n${r.out}`);
  } else {
    say(`round ${rounds} seed ${seed} ok; ${done} inputs so far, ${failures.length} failing rounds`);
  }
}
summary();
process.exit(failures.length ? 1 : 0);
