/*
 * Socket fuzz (issue 8, item 1): generated inputs (every packet type in MQTT 3.1/3.1.1/5, valid,
 * mutated, truncated, oversized lengths, random bytes) sent over real TCP connections to the port
 * and, input for input, to Debian's mosquitto 2.0.11. Expectations: the broker never exits, a
 * bystander client stays connected and keeps receiving, and each fuzz connection ends as it does
 * with mosquitto (closed or not, same CONNACK / DISCONNECT reason codes).
 * SOCKET_FUZZ_RUNS scales the run (default 3000 inputs per broker).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDebian, startPort, type RunningBroker } from './helpers/broker.js';
import { bystander_client, exchange_bytes, outcome, robustnessPort, type bystander } from './helpers/raw.js';
import { connect_packet, fuzz_input_arb, type fuzz_input } from '../fuzz/mqtt_gen.js';

const RUNS = Number(process.env.SOCKET_FUZZ_RUNS ?? 0) || 3000;
const SEED = Number(process.env.SOCKET_FUZZ_SEED ?? 8008);
const CONCURRENCY = 16;
const CONF = 'allow_anonymous true\nmax_queued_messages 10\n';

let port: RunningBroker;
let debian: RunningBroker;
const watchers: Record<string, bystander> = {};

beforeAll(async () => {
  [port, debian] = await Promise.all([
    startPort(CONF, { port: await robustnessPort() }),
    startDebian(CONF, { port: await robustnessPort() }),
  ]);
  for (const b of [port, debian]) watchers[b.kind] = await bystander_client(b.port, `bystander-${b.kind}`, 'bystander/#');
}, 30000);

afterAll(async () => {
  for (const w of Object.values(watchers)) w.close();
  await port?.stop();
  await debian?.stop();
});

function bytes_of(input: fuzz_input, n: number): Buffer[] {
  /* Fuzz clients use ids no bystander has, so a takeover cannot hit the bystander. */
  return input.connect_first ? [connect_packet(input.version, `fz-${n}`), input.bytes] : [input.bytes];
}

async function run_all(b: RunningBroker, inputs: fuzz_input[]): Promise<ReturnType<typeof outcome>[]> {
  const results: ReturnType<typeof outcome>[] = new Array(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = outcome(await exchange_bytes(b.port, bytes_of(inputs[i], i)));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

async function bystander_still_served(b: RunningBroker): Promise<void> {
  const w = watchers[b.kind];
  const topic = `bystander/after-${Date.now()}`;
  const sender = await bystander_client(b.port, `sender-${b.kind}`, null);
  sender.publish(topic, 'x');
  const deadline = Date.now() + 3000;
  while (!w.topics.includes(topic) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  sender.close();
  expect(w.closed).toBe(false);
  expect(w.topics).toContain(topic);
}

describe('socket fuzz, port and mosquitto 2.0.11 side by side', () => {
  it(`${RUNS} generated inputs: no broker exit, bystander served, same outcome as mosquitto`, async () => {
    const inputs = fc.sample(fuzz_input_arb(), { numRuns: RUNS, seed: SEED });
    const [ours, theirs] = await Promise.all([run_all(port, inputs), run_all(debian, inputs)]);

    expect(port.proc.exitCode).toBeNull();
    expect(port.proc.signalCode).toBeNull();
    expect(port.stderr.filter((l) => /Error|at .*\.js:\d+/.test(l))).toEqual([]);
    await bystander_still_served(port);
    await bystander_still_served(debian);

    const differ: string[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const a = JSON.stringify(ours[i]);
      const b = JSON.stringify(theirs[i]);
      if (a !== b) differ.push(`#${i} v${inputs[i].version} connect_first=${inputs[i].connect_first} ${inputs[i].bytes.subarray(0, 48).toString('hex')}: port ${a} mosquitto ${b}`);
    }
    const closed = ours.filter((o) => o.closed).length;
    console.log(`socket fuzz: ${inputs.length} inputs, port closed ${closed}, mosquitto closed ${theirs.filter((o) => o.closed).length}, outcomes differing ${differ.length}`);
    expect(differ).toEqual([]);
  }, 170000);
});
