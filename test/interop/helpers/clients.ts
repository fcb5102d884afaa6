/**
 * Client-side helpers for interop tests: run Debian's mosquitto_pub/mosquitto_sub/mosquitto_passwd
 * or the port's tools with a bounded time, and connect MQTT.js clients that never reconnect.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as mqtt_connect, type IClientOptions, type MqttClient } from 'mqtt';

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  proc: ChildProcess;
  done: Promise<RunResult>;
}

/** Spawns a command, collecting its output; SIGKILL after `ms` (default 10000). */
export function start(cmd: string, args: string[], ms = 10000): Running {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<RunResult>((res) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), ms);
    proc.once('close', (code, signal) => {
      clearTimeout(t);
      res({ code, signal, stdout, stderr });
    });
  });
  return { proc, done };
}

/** Runs a command to its end (killed after `ms`). */
export function run(cmd: string, args: string[], ms = 10000): Promise<RunResult> {
  return start(cmd, args, ms).done;
}

/** mosquitto_pub against 127.0.0.1:port. */
export function pub(port: number, args: string[], ms = 10000): Promise<RunResult> {
  return run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args], ms);
}

/** mosquitto_sub against 127.0.0.1:port, started in the background. */
export function sub(port: number, args: string[], ms = 10000): Running {
  return start('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), ...args], ms);
}

/**
 * Connects an MQTT.js client (no reconnects) and resolves on CONNACK, rejects on error.
 * `setup` runs on the new client before any packet arrives (attach 'message' handlers there).
 */
export function mqttClient(port: number, opts: IClientOptions = {}, setup?: (c: MqttClient) => void, ms = 5000): Promise<MqttClient> {
  return new Promise((res, rej) => {
    const c = mqtt_connect({ host: '127.0.0.1', port, reconnectPeriod: 0, connectTimeout: ms, ...opts });
    setup?.(c);
    const t = setTimeout(() => { c.end(true); rej(new Error('MQTT.js connect timed out')); }, ms);
    c.once('connect', () => { clearTimeout(t); res(c); });
    c.once('error', (e) => { clearTimeout(t); c.end(true); rej(e); });
  });
}

/** Resolves when `pred` is true, polling every 10 ms; rejects after `ms`. */
export async function until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
