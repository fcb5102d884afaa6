/**
 * Config options of a plain TCP listener that are not limits, as a client (or the log) sees
 * them: binding (bind_address, bind_interface, socket_domain, protocol), client ids
 * (clientid_prefixes, use_username_as_clientid), logging (connection_messages), deprecated
 * options. Runs the built port on ports 3040-3099; MOSQ_TEST_BROKER=debian checks the same
 * expectations against Debian's mosquitto 2.0.11.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { MQTT_RC_NOT_AUTHORIZED } from '../../../src/include/mqtt_protocol.js';
import { start, type RunningBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/mqtt_wire.js';

let brokers: RunningBroker[] = [];
let clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients) c.end();
  clients = [];
  await Promise.all(brokers.map((b) => b.stop()));
  brokers = [];
});

async function broker(conf: string): Promise<RunningBroker> {
  const b = await start(conf, { readiness: 'log' });
  brokers.push(b);
  return b;
}

async function open(b: RunningBroker, host = '127.0.0.1'): Promise<RawClient> {
  const c = await RawClient.open(b.port, host);
  clients.push(c);
  return c;
}

/** Whether a TCP connection to host:port is accepted. */
async function reachable(port: number, host: string): Promise<boolean> {
  try {
    const c = await RawClient.open(port, host);
    c.end();
    return true;
  } catch {
    return false;
  }
}

/** The "Opening ipvN listen socket" lines of a broker's log, without timestamps. */
function opening(b: RunningBroker): string[] {
  return b.stderr.filter((l) => /Opening ipv\d listen socket/.test(l)).map((l) => l.replace(/^\d+: /, ''));
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function otherAddress(): string | null {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe('bind_address', () => {
  it('binds the default listener (from port) to that address only', async () => {
    const b = await broker('port {{port}}\nbind_address 127.0.0.1\nallow_anonymous true\n');
    expect(opening(b)).toEqual([`Opening ipv4 listen socket on port ${b.port}.`]);
    expect(await reachable(b.port, '127.0.0.1')).toBe(true);
    expect(await reachable(b.port, '::1')).toBe(false);
  });
});

describe('bind_interface', () => {
  it('binds each family to the address the interface has in it', async () => {
    const b = await broker('listener {{port}}\nbind_interface lo\nallow_anonymous true\n');
    expect(await reachable(b.port, '127.0.0.1')).toBe(true);
    expect(await reachable(b.port, '::1')).toBe(true);
    const other = otherAddress();
    if (other) expect(await reachable(b.port, other)).toBe(false);
  });

  it('refuses a listener address that is not the interface\'s, and an unknown interface', async () => {
    await expect(broker('listener {{port}} 127.0.0.2\nbind_interface lo\n')).rejects.toThrow(
      /Warning: Interface address for lo does not match specified listener address \(127\.0\.0\.2\)\./);
    await expect(broker('listener {{port}}\nbind_interface nosuch0\n')).rejects.toThrow(
      /Warning: Interface nosuch0 does not support IPv4 configuration\.[^]*Warning: Interface nosuch0 does not support IPv6 configuration\./);
  });
});

describe('socket_domain', () => {
  it('ipv4 opens only the IPv4 socket, ipv6 only the IPv6 one', async () => {
    const b4 = await broker('listener {{port}}\nsocket_domain ipv4\nallow_anonymous true\n');
    expect(opening(b4)).toEqual([`Opening ipv4 listen socket on port ${b4.port}.`]);
    expect(await reachable(b4.port, '::1')).toBe(false);
    const b6 = await broker('listener {{port}}\nsocket_domain ipv6\nallow_anonymous true\n');
    expect(opening(b6)).toEqual([`Opening ipv6 listen socket on port ${b6.port}.`]);
    expect(await reachable(b6.port, '127.0.0.1')).toBe(false);
    expect(await reachable(b6.port, '::1')).toBe(true);
  });
});

describe('protocol', () => {
  it('mqtt (the default) is a plain MQTT listener', async () => {
    const b = await broker('listener {{port}}\nprotocol mqtt\nallow_anonymous true\n');
    const c = await open(b);
    expect((await c.connect({ id: 'c' })).rc).toBe(0);
  });
});

describe('clientid_prefixes', () => {
  it('accepts a client id starting with the prefix and refuses any other as not authorised', async () => {
    const b = await broker('listener {{port}}\nclientid_prefixes sec-\nallow_anonymous true\n');
    expect(b.stderr.join('\n')).toContain("The 'clientid_prefixes' option is now deprecated and will be removed in a future version.");
    expect((await (await open(b)).connect({ id: 'sec-1' })).rc).toBe(0);
    expect((await (await open(b)).connect({ id: 'sec' })).rc).toBe(MQTT_RC_NOT_AUTHORIZED);
    expect((await (await open(b)).connect({ id: 'other', proto: 4 })).rc).toBe(5);
  });
});

describe('use_username_as_clientid', () => {
  it('replaces the client id with the username; without a username the client is refused', async () => {
    const b = await broker('listener {{port}}\nuse_username_as_clientid true\nallow_anonymous true\n');
    const c = await open(b);
    expect((await c.connect({ id: 'given', username: 'fred' })).rc).toBe(0);
    await b.waitForLine(/New client connected from .* as fred \(p5, c1, k60, u'fred'\)\./);
    expect((await (await open(b)).connect({ id: 'given' })).rc).toBe(MQTT_RC_NOT_AUTHORIZED);
    expect((await (await open(b)).connect({ id: 'given', proto: 4 })).rc).toBe(5);
  });
});

describe('connection_messages', () => {
  it('true (default) logs connections and disconnections; false logs neither', async () => {
    const on = await broker('listener {{port}}\nallow_anonymous true\n');
    const c1 = await open(on);
    await c1.connect({ id: 'loud' });
    c1.end();
    await on.waitForLine(/Client loud closed its connection\./);
    expect(on.stderr.some((l) => /New client connected from .* as loud/.test(l))).toBe(true);

    const off = await broker('listener {{port}}\nconnection_messages false\nallow_anonymous true\n');
    const c2 = await open(off);
    await c2.connect({ id: 'quiet' });
    c2.end();
    await new Promise((r) => setTimeout(r, 300));
    expect(off.stderr.filter((l) => /New connection|New client|quiet/.test(l))).toEqual([]);
  });
});

describe('retry_interval', () => {
  it('is accepted with a warning that it no longer does anything', async () => {
    const b = await broker('listener {{port}}\nretry_interval 20\nallow_anonymous true\n');
    expect(b.stderr.join('\n')).toContain('Warning: The retry_interval option is no longer available.');
  });
});

describe('user', () => {
  it.runIf(process.getuid?.() === 0)('started as root, the broker runs as that user with its primary group', async () => {
    const b = await broker('listener {{port}}\nuser nobody\nallow_anonymous true\n');
    const status = readFileSync(`/proc/${b.proc.pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(status).toMatch(/^Gid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(b.stderr.join('\n')).not.toContain('Error');
  });
});
