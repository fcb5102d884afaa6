/**
 * Test helpers: start the built port (`dist/bin/mosquitto.js`) on a port of the 3040-3099 range
 * for tests that need real sockets. With MOSQ_TEST_BROKER=debian the same tests run against
 * Debian's mosquitto 2.0.11 instead, which is how their expectations were checked.
 */
import { portIsFree, startBroker, type BrokerKind, type BrokerOptions, type RunningBroker } from '../../interop/helpers/broker.js';

export type { RunningBroker } from '../../interop/helpers/broker.js';

const FIRST = 3040;
const LAST = 3099;
let next = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));

/** The broker kind the tests run against: the port, unless MOSQ_TEST_BROKER=debian. */
export const BROKER_KIND: BrokerKind = process.env.MOSQ_TEST_BROKER === 'debian' ? 'debian' : 'port';

/** Starts a broker with this config text (`listener {{port}}` is added when there is none). */
export async function start(conf: string, opts: BrokerOptions = {}): Promise<RunningBroker> {
  for (let attempt = 0; attempt < LAST - FIRST + 1; attempt++) {
    const port = next;
    next = next === LAST ? FIRST : next + 1;
    if (!(await portIsFree(port))) continue;
    try {
      return await startBroker(BROKER_KIND, conf, { ...opts, port });
    } catch (e) {
      if ((e as { addrInUse?: boolean }).addrInUse) continue;
      throw e;
    }
  }
  throw new Error(`no free port in ${FIRST}-${LAST}`);
}
