/**
 * The order of signals and socket events: in C a signal interrupts epoll_wait and the loop acts
 * on it before it reads the sockets that became ready, so a client that connects right after a
 * SIGHUP meets the reloaded configuration. Runs the built port on ports 3040-3099
 * (MOSQ_TEST_BROKER=debian: Debian's mosquitto 2.0.11).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/mqtt_wire.js';

let b: RunningBroker;
beforeAll(async () => {
  b = await start('listener {{port}}\nallow_anonymous true\n', { readiness: 'log' });
});
afterAll(async () => {
  await b.stop();
});

describe('a signal and the packets after it', () => {
  it('a CONNECT sent right after SIGHUP is judged by the reloaded allow_anonymous, every time', async () => {
    const results: string[] = [];
    for (let i = 0; i < 60; i++) {
      const anonymous = i % 2 === 1;
      writeFileSync(b.confPath!, `listener ${b.port}\nallow_anonymous ${anonymous}\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
      b.proc.kill('SIGHUP');
      const c = await RawClient.open(b.port);
      const ack = await c.connect({ id: `c${i}`, proto: 4 });
      c.end();
      results.push(`${anonymous}:${ack.rc}`);
    }
    expect(results).toEqual(Array.from({ length: 60 }, (_, i) => (i % 2 === 1 ? 'true:0' : 'false:5')));
  });
});
