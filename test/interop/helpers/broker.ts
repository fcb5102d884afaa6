/**
 * Start and stop brokers for interop tests: the port (`node dist/bin/mosquitto.js`) or Debian's
 * real mosquitto 2.0.11 (`/usr/sbin/mosquitto`), each on a free port of the interop range
 * (2500-2599), with its stderr collected line by line.
 *
 *   const b = await startPort('allow_anonymous true\n', { verbose: true });
 *   ... connect to b.port ...
 *   await b.waitForLine(/Client c1 disconnected\./);
 *   await b.stop();
 *
 * Config text may hold `{{port}}` where the listener port goes (and `{{dir}}` for the broker's own
 * temp directory); without `{{port}}` and without any `listener`/`port` line, `listener {{port}}`
 * is put first; when run as root, `user root` is added unless the text has a `user` line.
 * An array instead of text is passed as command-line arguments (then `-p <port>` is appended
 * unless the array has `-p` already). Needs the port built (`npx tsc -p tsconfig.json`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as net_connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PORT_RANGE = { first: 2500, last: 2599 };
export const PORT_ENTRY = fileURLToPath(new URL('../../../dist/bin/mosquitto.js', import.meta.url));
export const PORT_PASSWD_ENTRY = fileURLToPath(new URL('../../../dist/bin/mosquitto_passwd.js', import.meta.url));
export const DEBIAN_MOSQUITTO = '/usr/sbin/mosquitto';

export type BrokerKind = 'port' | 'debian';

export interface BrokerOptions {
  /** `-v` on the command line. */
  verbose?: boolean;
  /**
   * How to know the broker is up: 'tcp' (default) probes the port with a bare TCP connect,
   * 'log' waits for the "mosquitto version ... running" line (keeps probe lines out of the log).
   */
  readiness?: 'tcp' | 'log';
  /** Give up starting after this many ms (default 10000). */
  timeoutMs?: number;
  /** Use this port instead of picking a free one. */
  port?: number;
  /** Extra environment for the broker process. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningBroker {
  kind: BrokerKind;
  port: number;
  proc: ChildProcess;
  /** Complete stderr lines so far (live array). */
  stderr: string[];
  /** Complete stdout lines so far (live array). */
  stdout: string[];
  /** The broker's temp directory (config file lives there); removed by stop(). */
  dir: string;
  /** Path of the written config file, or null when started with arguments only. */
  confPath: string | null;
  /** Resolves with the first stderr line (index >= from) matching `re`; rejects after `ms`. */
  waitForLine(re: RegExp, ms?: number, from?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `ms` (default 5000); resolves with the exit code or signal. */
  stop(ms?: number): Promise<number | string | null>;
}

const running = new Set<RunningBroker>();
const taken = new Set<number>();

process.on('exit', () => {
  for (const b of running) {
    try { b.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** True when nothing listens on the port (checked by binding it on all interfaces). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen({ port, host: '::', exclusive: true }, () => s.close(() => res(true)));
  });
}

/** A port of the interop range that this process has not handed out and that is free now. */
export async function freePort(): Promise<number> {
  const span = PORT_RANGE.last - PORT_RANGE.first + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = PORT_RANGE.first + ((start + i) % span);
    if (taken.has(port)) continue;
    if (await portIsFree(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port in the interop range');
}

/** One bare TCP connect attempt to 127.0.0.1:port. */
export function tcpProbe(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net_connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

function splitter(into: string[]): (d: Buffer) => void {
  let rest = '';
  return (d) => {
    rest += d.toString();
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts);
  };
}

function buildConf(text: string, port: number, dir: string): string {
  let out = text;
  if (!out.includes('{{port}}') && !/^\s*(listener|port)\s/m.test(out)) {
    out = `listener {{port}}\n${out}`;
  }
  // Run as root, both brokers drop to user "mosquitto" (and lose access to our 0700 temp
  // directories) unless told otherwise.
  if (process.getuid?.() === 0 && !/^\s*user\s/m.test(out)) {
    out += '\nuser root\n';
  }
  return out.replaceAll('{{port}}', String(port)).replaceAll('{{dir}}', dir);
}

async function startOnce(kind: BrokerKind, conf: string | string[], port: number, opts: BrokerOptions): Promise<RunningBroker> {
  const dir = mkdtempSync(join(tmpdir(), `interop-${kind}-`));
  let args: string[];
  let confPath: string | null = null;
  if (Array.isArray(conf)) {
    args = conf.map((a) => a.replaceAll('{{port}}', String(port)).replaceAll('{{dir}}', dir));
    if (!args.includes('-p') && !args.includes('--port')) args.push('-p', String(port));
  } else {
    confPath = join(dir, 'mosquitto.conf');
    writeFileSync(confPath, buildConf(conf, port, dir));
    args = ['-c', confPath];
  }
  if (opts.verbose && !args.includes('-v')) args.push('-v');
  const [cmd, argv] = kind === 'port'
    ? [process.execPath, [PORT_ENTRY, ...args]]
    : [DEBIAN_MOSQUITTO, args];
  if (kind === 'port' && !existsSync(PORT_ENTRY)) {
    throw new Error(`${PORT_ENTRY} missing: build the port first (npx tsc -p tsconfig.json)`);
  }
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env }, cwd: dir });
  const stderr: string[] = [];
  const stdout: string[] = [];
  proc.stderr!.on('data', splitter(stderr));
  proc.stdout!.on('data', splitter(stdout));
  const exited = new Promise<number | string | null>((res) => {
    proc.once('exit', (code, signal) => res(code ?? signal));
  });

  const waitForLine = (re: RegExp, ms = 5000, from = 0): Promise<string> => {
    const deadline = Date.now() + ms;
    return new Promise((res, rej) => {
      const check = (): void => {
        for (let i = from; i < stderr.length; i++) {
          if (re.test(stderr[i])) { res(stderr[i]); return; }
        }
        if (Date.now() > deadline) {
          rej(new Error(`${kind} broker: no stderr line matching ${re} within ${ms} ms; last lines:\n${stderr.slice(-15).join('\n')}`));
          return;
        }
        setTimeout(check, 10);
      };
      check();
    });
  };

  const b: RunningBroker = {
    kind, port, proc, stderr, stdout, dir, confPath, waitForLine,
    async stop(ms = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), ms);
        const r = await exited;
        clearTimeout(t);
        running.delete(b);
        taken.delete(port);
        rmSync(dir, { recursive: true, force: true });
        return r;
      }
      running.delete(b);
      taken.delete(port);
      rmSync(dir, { recursive: true, force: true });
      return proc.exitCode ?? proc.signalCode;
    },
  };
  running.add(b);

  const deadline = Date.now() + (opts.timeoutMs ?? 10000);
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) break;
    if (opts.readiness === 'log') {
      if (stderr.some((l) => / running$/.test(l))) return b;
      await new Promise((r) => setTimeout(r, 10));
    } else {
      if (await tcpProbe(port)) return b;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const why = proc.exitCode !== null || proc.signalCode !== null ? `exited (${proc.exitCode ?? proc.signalCode})` : 'did not come up';
  await b.stop(1000);
  const err = new Error(`${kind} broker on ${port} ${why}:\n${stderr.join('\n')}\n${stdout.join('\n')}`);
  (err as Error & { addrInUse?: boolean }).addrInUse = stderr.some((l) => /Address (already )?in use/i.test(l));
  throw err;
}

/** Starts a broker of the given kind on a free port of the range; retries when the port is taken. */
export async function startBroker(kind: BrokerKind, conf: string | string[], opts: BrokerOptions = {}): Promise<RunningBroker> {
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? await freePort();
    try {
      return await startOnce(kind, conf, port, opts);
    } catch (e) {
      const inUse = (e as { addrInUse?: boolean }).addrInUse === true;
      if (!inUse || opts.port !== undefined || attempt >= 4) throw e;
    }
  }
}

/** The port (TypeScript broker) with this config text or argument list. */
export function startPort(conf: string | string[] = '', opts: BrokerOptions = {}): Promise<RunningBroker> {
  return startBroker('port', conf, opts);
}

/** Debian's mosquitto 2.0.11 with this config text or argument list. */
export function startDebian(conf: string | string[] = '', opts: BrokerOptions = {}): Promise<RunningBroker> {
  return startBroker('debian', conf, opts);
}

/** Stops every broker this process started and has not stopped yet (for afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop()));
}
