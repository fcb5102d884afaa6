/**
 * A session that has run out is gone before the CONNECT that comes back for it is read, even when
 * the client sends CONNECT in the same breath as it opens the socket. mosquitto accepts the
 * socket in one loop pass, runs session_expiry__check at the end of that pass and reads the
 * CONNECT in the next one. mosquitto's 05-session-expiry-v5 depends on it: it reconnects two
 * seconds after a one-second session closed, which is just past the expiry when the close came
 * right after a whole second.
 */
import { connect as net_connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { MQTT_PROP_SESSION_EXPIRY_INTERVAL } from '../../../src/include/mqtt_protocol.js';
import { start, type RunningBroker } from '../helpers/broker.js';
import { connect, decodeConnack, prop, props, RawClient } from '../helpers/mqtt_wire.js';

let broker: RunningBroker | null = null;

afterEach(async () => {
  await broker?.stop();
  broker = null;
});

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Waits until the wall clock is `ms` milliseconds past a whole second. */
async function untilPastSecond(ms: number): Promise<void> {
  await sleep((1000 + ms - (Date.now() % 1000)) % 1000);
}

/** Connects and sends CONNECT at once, before the TCP handshake is even reported; resolves to the session-present flag. */
function reconnectSessionPresent(port: number, packet: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = net_connect(port, '127.0.0.1');
    sock.write(packet);
    sock.once('data', (d: Buffer) => {
      sock.destroy();
      resolve(d[2]);
    });
    sock.once('error', reject);
  });
}

it('a session closed just after a whole second has expired two seconds later', async () => {
  broker = await start('allow_anonymous true\n');
  /* Two rounds: with the race, one round passes only when a 100 ms timer pass lands in a few ms. */
  for (let round = 0; round < 2; round++) {
    const packet = connect({ id: `expiring-${round}`, clean: false, props: props(prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, 1)) });
    await untilPastSecond(5);
    const first = await RawClient.open(broker.port);
    first.send(packet);
    expect(decodeConnack(await first.packet()).flags).toBe(0);
    const closedAt = Date.now();
    first.end();

    /* The broker notes the close in second S and expires the session once the clock shows S + 2. */
    await sleep(Math.floor(closedAt / 1000) * 1000 + 2003 - Date.now());
    expect(await reconnectSessionPresent(broker.port, packet), `round ${round}`).toBe(0);
  }
}, 15000);
