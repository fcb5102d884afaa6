#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout */
// Runs mosquitto's own broker test suite (the Python 3 scripts of the C tree's test/broker/, as
// listed in its test.py) against the broker behind the shim written by prepare.sh, and enforces
// the ratchet in must-pass.txt. See test/conformance/README.md.
//
// Usage: node test/conformance/run.mjs [--only <regexp>] [--jobs N] [--timeout S]
//                                      [--base-port P] [--list-passing] [--verbose]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const OUTPUT_LINES = Number(process.env.MOSQ_CONFORMANCE_OUTPUT_LINES ?? 60);
// Scripts that take longer than any sane default by design (seconds they may take; they start
// first so the other jobs carry the rest). 06-bridge-clean-session restarts two brokers six
// times with two 10 s sleeps each: about 135 s against the real mosquitto.
const SLOW_SCRIPTS = new Map([['06-bridge-clean-session', 300]]);

function usage(msg) {
  if (msg) console.error(`run.mjs: ${msg}`);
  console.error(`usage: node test/conformance/run.mjs [options]
  --only <regexp>    run only the scripts whose name matches (e.g. '^01-', 'will')
  --jobs N           scripts run in parallel (default 2)
  --timeout S        seconds before a script is killed and counted as failed (default 60)
  --base-port P      first TCP port handed to the scripts (default $MOSQ_CONFORMANCE_BASE_PORT
                     or 1888; each job uses up to 3)
  --list-passing     print the names of the passing scripts on stdout (report goes to stderr)
  --verbose          print the captured output of every failure, not only of required ones
environment:
  MOSQ_CONFORMANCE_BROKER=/path   run that broker binary instead of dist/bin/mosquitto.js
  MOSQ_CONFORMANCE_PYTHON=python  interpreter for the scripts (default python3)
  MOSQ_CONFORMANCE_BASE_PORT=P    default for --base-port
  MOSQ_CONFORMANCE_OUTPUT_LINES=N lines of a failed script's output to print (default 60)`);
  process.exit(2);
}

function parseArgs(argv) {
  const envPort = process.env.MOSQ_CONFORMANCE_BASE_PORT;
  const opts = { only: null, jobs: 2, timeout: 60, basePort: envPort ? Number(envPort) : 1888, listPassing: false, verbose: false };
  if (!Number.isInteger(opts.basePort) || opts.basePort < 1) usage(`MOSQ_CONFORMANCE_BASE_PORT: bad value '${envPort}'`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const int = (v, min) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) usage(`${a}: bad value '${v}'`);
      return n;
    };
    if (a === '--only') opts.only = new RegExp(value());
    else if (a === '--jobs' || a === '-j') opts.jobs = int(value(), 1);
    else if (a === '--timeout') opts.timeout = int(value(), 1);
    else if (a === '--base-port') opts.basePort = int(value(), 1);
    else if (a === '--list-passing') opts.listPassing = true;
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  return opts;
}

/** The unpacked C tree, located through the version pin. */
function cTree() {
  const pin = readFileSync(join(repo, 'mosquitto-src/pin.env'), 'utf8');
  const m = /^MOSQUITTO_VERSION=(\S+)/m.exec(pin);
  if (!m) throw new Error('mosquitto-src/pin.env has no MOSQUITTO_VERSION');
  return join(repo, 'mosquitto-src', `mosquitto-${m[1]}`);
}

/** The uncommented `(ports, './name.py')` entries of test.py's `tests = [...]`, in order. */
function parseTestList(testPy) {
  const lines = readFileSync(testPy, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^tests\s*=\s*\[/.test(l));
  if (start < 0) throw new Error(`${testPy}: no 'tests = [' list`);
  const tests = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*\]/.test(line)) break;
    const m = /^\s*\(\s*(\d+)\s*,\s*'([^']+)'\s*\)/.exec(line);
    if (!m) continue;
    const path = m[2];
    const name = path.replace(/^\.\//, '').replace(/\.py$/, '');
    tests.push({ ports: Number(m[1]), path, name });
  }
  if (tests.length === 0) throw new Error(`${testPy}: empty test list`);
  return tests;
}

/** Script names from must-pass.txt (one per line, '#' starts a comment). */
function readMustPass(file) {
  if (!existsSync(file)) return [];
  const names = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line) names.push(line.replace(/^\.\//, '').replace(/\.py$/, ''));
  }
  return names;
}

/** Compiled C helpers (test plugins, TLS-PSK clients, dynsec) a script refers to that are not built. */
function missingCArtifacts(brokerDir, script) {
  const src = readFileSync(script, 'utf8');
  const found = new Set();
  for (const m of src.matchAll(/(?:\.\/)?((?:c|\.\.\/\.\.\/plugins)\/[\w./%-]+\.(?:so|test))/g)) {
    const p = m[1];
    if (p.includes('%')) {
      // e.g. "c/auth_plugin_v%d.so" % plugin_ver: report the pattern if no expansion exists.
      const re = new RegExp(`^${p.split('%d').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d+')}$`);
      const dir = join(brokerDir, dirname(p));
      const any = existsSync(dir) && readdirNames(dir).some((f) => re.test(`${dirname(p)}/${f}`) || re.test(`${dirname(p)}/${f.replace(/\.js$/, '.so')}`));
      if (!any) found.add(p);
    } else if (!existsSync(join(brokerDir, p)) && !existsSync(join(brokerDir, p.replace(/\.so$/, '.js')))) {
      /* The port loads the ES module beside a .so (src/broker/lib_load.ts). */
      found.add(p);
    }
  }
  return [...found];
}

function readdirNames(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function lastLines(text, n) {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length <= n) return lines.join('\n');
  return [`... (${lines.length - n} earlier lines cut)`, ...lines.slice(-n)].join('\n');
}

/** Kills every process left in the script's process group (the script, its brokers, its helpers). */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already empty
  }
}

/**
 * Removes persistence files a killed earlier run may have left (the suite's `make clean` does
 * `rm -f *.db`): the script's own `<name>.db` / `<name>_*.db` and `mosquitto-<port>.db` of the
 * ports it is about to get. A leftover database makes the broker report a session present.
 */
function removeStaleDatabases(brokerDir, name, ports) {
  const own = new Set(ports.map((p) => `mosquitto-${p}.db`));
  for (const f of readdirNames(brokerDir)) {
    if (own.has(f) || f === `${name}.db` || (f.startsWith(`${name}_`) && f.endsWith('.db'))) {
      rmSync(join(brokerDir, f), { force: true });
    }
  }
}

const running = new Set();

/** Runs one script with its ports appended, as the suite's ptest.py does. */
function runScript(test, ports, ctx) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const args = [test.path, ...ports.map(String)];
    // A process group of its own, so that a timed-out or crashed script takes its brokers along.
    const child = spawn(ctx.python, args, {
      cwd: ctx.brokerDir,
      env: ctx.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    const collect = (chunk) => {
      output += chunk.toString('utf8');
      if (output.length > 1 << 20) output = output.slice(-(1 << 19));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    let killTimer = null;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000);
    }, test.timeout * 1000);
    let exitCode = null;
    let exitSignal = null;
    child.on('error', (err) => {
      output += `\nrun.mjs: cannot start ${ctx.python}: ${err.message}\n`;
    });
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // Leftovers (a broker the script did not stop) would hold the ports for the next script.
      killGroup(child.pid, 'SIGKILL');
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      running.delete(child);
      const seconds = (Date.now() - started) / 1000;
      const rc = exitCode ?? code;
      const sig = exitSignal ?? signal;
      if (timedOut) output += `\nrun.mjs: killed after the ${test.timeout} s timeout\n`;
      else if (sig) output += `\nrun.mjs: script ended by signal ${sig}\n`;
      resolveRun({ passed: !timedOut && rc === 0, seconds, output });
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const out = opts.listPassing ? console.error : console.log;
  const tree = cTree();
  const brokerDir = join(tree, 'test/broker');
  const testPy = join(brokerDir, 'test.py');
  if (!existsSync(testPy)) {
    console.error(`run.mjs: ${testPy} is missing; run 'npm run setup' (mosquitto-src/fetch.sh) first`);
    process.exit(2);
  }
  const shim = join(tree, 'src/mosquitto');
  if (!existsSync(shim)) {
    console.error(`run.mjs: ${shim} is missing; run 'bash test/conformance/prepare.sh' first`);
    process.exit(2);
  }
  const broker = process.env.MOSQ_CONFORMANCE_BROKER;
  if (broker) out(`broker under test: ${broker} (MOSQ_CONFORMANCE_BROKER)`);
  else {
    const entry = join(repo, 'dist/bin/mosquitto.js');
    out(`broker under test: ${entry}`);
    if (!existsSync(entry)) out(`WARNING: ${entry} does not exist; build with 'npx tsc -p tsconfig.json'`);
  }

  const all = parseTestList(testPy);
  const known = new Set(all.map((t) => t.name));
  const mustPassFile = join(here, 'must-pass.txt');
  const mustPass = readMustPass(mustPassFile);
  const required = new Set(mustPass);
  const unknown = mustPass.filter((n) => !known.has(n));
  const selected = opts.only ? all.filter((t) => opts.only.test(t.name)) : all;
  if (selected.length === 0) usage(`--only ${opts.only}: no script matches`);

  const ctx = {
    brokerDir,
    python: process.env.MOSQ_CONFORMANCE_PYTHON || 'python3',
    env: { ...process.env, MOSQ_CONFORMANCE_NODE: process.execPath, PYTHONUNBUFFERED: '1' },
  };
  const maxPorts = Math.max(...selected.map((t) => t.ports));
  const freePorts = [];
  for (let p = 0; p < Math.max(maxPorts, opts.jobs * maxPorts); p++) freePorts.push(opts.basePort + p);

  const results = new Map();
  for (const t of selected) t.timeout = Math.max(opts.timeout, SLOW_SCRIPTS.get(t.name) ?? 0);
  const queue = [...selected.filter((t) => SLOW_SCRIPTS.has(t.name)), ...selected.filter((t) => !SLOW_SCRIPTS.has(t.name))];
  let active = 0;
  const report = (test, res) => {
    results.set(test.name, res);
    const isRequired = required.has(test.name);
    let note = '';
    if (res.note) note = ` (${res.note})`;
    if (!isRequired) note += res.passed ? ' (not required yet)' : ' (not required)';
    out(`${res.passed ? 'PASS' : 'FAIL'} ${res.seconds.toFixed(2).padStart(6)}s ${test.name}${note}`);
    if (!res.passed && res.output.trim() && (isRequired || opts.verbose || opts.only)) {
      out(lastLines(res.output, OUTPUT_LINES).replace(/^/gm, '    | '));
    }
  };

  await new Promise((done) => {
    const pump = () => {
      while (active < opts.jobs && queue.length > 0) {
        const idx = queue.findIndex((t) => t.ports <= freePorts.length);
        if (idx < 0) break;
        const [test] = queue.splice(idx, 1);
        const script = join(brokerDir, test.path);
        if (!existsSync(script)) {
          report(test, { passed: false, seconds: 0, output: '', note: 'script missing from the C tree' });
          continue;
        }
        const missing = missingCArtifacts(brokerDir, script);
        const ports = freePorts.splice(0, test.ports);
        removeStaleDatabases(brokerDir, test.name, ports);
        active++;
        runScript(test, ports, ctx).then((res) => {
          active--;
          freePorts.push(...ports);
          if (!res.passed && missing.length > 0) res.note = `needs unbuilt C ${missing.join(', ')}`;
          report(test, res);
          pump();
        });
      }
      if (active === 0 && queue.length === 0) done();
    };
    pump();
  });

  const ordered = selected.map((t) => [t, results.get(t.name)]);
  const passed = ordered.filter(([, r]) => r.passed);
  const failed = ordered.filter(([, r]) => !r.passed);
  const requiredFailed = failed.filter(([t]) => required.has(t.name)).map(([t]) => t.name);
  const newlyPassing = passed.filter(([t]) => !required.has(t.name)).length;

  const requiredRun = ordered.filter(([t]) => required.has(t.name));
  out('');
  out(`suite: ${passed.length} of ${ordered.length} scripts pass; ${failed.length - requiredFailed.length} not required yet fail`);
  if (opts.listPassing) for (const [t] of passed) console.log(t.name);
  if (newlyPassing > 0 && !opts.listPassing) {
    out(`${newlyPassing} passing script(s) are not in must-pass.txt yet (see --list-passing)`);
  }
  let bad = false;
  if (unknown.length > 0) {
    out(`must-pass.txt names unknown script(s): ${unknown.join(', ')}`);
    bad = true;
  }
  if (requiredFailed.length > 0) {
    out(`required script(s) failed: ${requiredFailed.join(', ')}`);
    bad = true;
  }
  /* The closing line counts the ratchet: the scripts CI holds the port to. */
  out(`ratchet: ${requiredRun.length - requiredFailed.length} passed, ${requiredFailed.length} failed`);
  process.exit(bad ? 1 : 0);
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const child of running) killGroup(child.pid, 'SIGKILL');
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
