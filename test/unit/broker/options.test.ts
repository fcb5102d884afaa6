/**
 * Config options of a plain TCP listener that are not limits, as a client (or the log) sees
 * them: binding (bind_address, bind_interface, socket_domain, protocol), client ids
 * (clientid_prefixes, use_username_as_clientid), logging (connection_messages), deprecated
 * options. Runs the built port on ports 3040-3099; MOSQ_TEST_BROKER=debian checks the same
 * expectations against Debian's mosquitto 2.0.11.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MQTT_RC_NO_MATCHING_SUBSCRIBERS, MQTT_RC_NOT_AUTHORIZED } from '../../../src/include/mqtt_protocol.js';
import { BROKER_KIND, start, type RunningBroker } from '../helpers/broker.js';
import { decodeAck, decodePublish, publish, RawClient, subscribe } from '../helpers/mqtt_wire.js';

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

describe('memory_limit', () => {
  it('a 1 MB message fits under 64 MB; a 40 MB one (read, then copied) does not: the client is disconnected', async () => {
    const b = await broker('listener {{port}}\nmemory_limit 64000000\nallow_anonymous true\n');
    const c = await open(b);
    await c.connect({ id: 'small', proto: 4 });
    c.send(publish('t', Buffer.alloc(1000000), { qos: 1, mid: 1, proto: 4 }));
    expect((await c.packet(10000)).type).toBe(0x40);
    const big = await open(b);
    await big.connect({ id: 'big', proto: 4 });
    big.send(publish('t', Buffer.alloc(40000000), { qos: 1, mid: 1, proto: 4 }));
    expect(await big.waitClosed(20000)).toEqual([]);
    await b.waitForLine(/Client big disconnected due to out of memory\./);
  });
});

/* Plugins of the port are ES modules (the port cannot dlopen mosquitto's C plugins), so these
 * run against the port only. */
describe('plugin, auth_plugin, plugin_opt_*, auth_plugin_deny_special_chars', () => {
  const dist = (f: string): string => fileURLToPath(new URL(`../../../dist/broker/${f}`, import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'options-plugins-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /* Version 5: refuses the username given as its `deny` option. */
  const v5 = join(dir, 'v5.mjs');
  writeFileSync(v5, `
import { mosquitto_callback_register } from '${dist('plugin.js')}';
export function mosquitto_plugin_version() { return 5; }
export function mosquitto_plugin_init(identifier, user_data, opts) {
  const deny = opts.find((o) => o.key === 'deny').value;
  return mosquitto_callback_register(identifier, 3, (event, ed) => (ed.username === deny ? 11 : 0), null, null);
}
export function mosquitto_plugin_cleanup() { return 0; }
`);
  /* Version 4: allows every access and every password. */
  const v4 = join(dir, 'v4.mjs');
  writeFileSync(v4, `
export function mosquitto_auth_plugin_version() { return 4; }
export function mosquitto_auth_plugin_init() { return 0; }
export function mosquitto_auth_plugin_cleanup() { return 0; }
export function mosquitto_auth_security_init() { return 0; }
export function mosquitto_auth_security_cleanup() { return 0; }
export function mosquitto_auth_acl_check() { return 0; }
export function mosquitto_auth_unpwd_check() { return 0; }
`);

  it.runIf(BROKER_KIND === 'port')('plugin with plugin_opt_deny: the module decides who may connect', async () => {
    const b = await broker(`listener {{port}}\nplugin ${v5}\nplugin_opt_deny mallory\nallow_anonymous true\n`);
    expect((await (await open(b)).connect({ id: 'a', username: 'alice' })).rc).toBe(0);
    expect((await (await open(b)).connect({ id: 'm', username: 'mallory' })).rc).toBe(MQTT_RC_NOT_AUTHORIZED);
  });

  it.runIf(BROKER_KIND === 'port')('auth_plugin (v4) with auth_plugin_deny_special_chars true (default) and false', async () => {
    for (const [deny, rc] of [['', MQTT_RC_NOT_AUTHORIZED], ['auth_plugin_deny_special_chars false\n', 0]] as const) {
      const b = await broker(`listener {{port}}\nauth_plugin ${v4}\n${deny}allow_anonymous true\n`);
      const c = await open(b);
      expect((await c.connect({ id: 'c', username: 'a+b' })).rc).toBe(0);
      c.send(publish('t', 'x', { qos: 1, mid: 1 }));
      expect(decodeAck(await c.packet()).rc).toBe(rc === 0 ? MQTT_RC_NO_MATCHING_SUBSCRIBERS : rc);
    }
  });
});

describe('log_dest syslog and log_facility', () => {
  /* A stand-in for util-linux's logger on PATH, recording its arguments and every line. */
  const bin = mkdtempSync(join(tmpdir(), 'options-logger-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  writeFileSync(join(bin, 'logger'), `#!/bin/sh\necho "$@" > "${bin}/args"\ncat >> "${bin}/lines"\n`, { mode: 0o755 });

  it.runIf(BROKER_KIND === 'port')('each line goes to the system logger as mosquitto[pid], at the facility and the severity of its type', async () => {
    const b = await start('listener {{port}}\nlog_dest syslog\nlog_facility 5\nlog_type all\nallow_anonymous true\n',
      { readiness: 'tcp', env: { PATH: `${bin}:${process.env.PATH}` } });
    brokers.push(b);
    const c = await open(b);
    await c.connect({ id: 'sys' });
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(join(bin, 'args'), 'utf8').trim()).toBe(`--prio-prefix -t mosquitto --id=${b.proc.pid}`);
    const lines = readFileSync(join(bin, 'lines'), 'utf8').split('\n');
    /* LOG_LOCAL5 is 21 << 3 = 168; info is 6, notice 5, debug 7. */
    expect(lines).toContainEqual(expect.stringMatching(/^<174>\d+: mosquitto version 2\.0\.11 running$/));
    expect(lines).toContainEqual(expect.stringMatching(/^<173>\d+: New client connected from .* as sys /));
    expect(lines).toContainEqual(expect.stringMatching(/^<175>\d+: Sending CONNACK to sys \(0, 0\)$/));
    expect(b.stderr.filter((l) => /New client connected/.test(l))).toEqual([]);
  });
});

describe('retained_persistence', () => {
  it('is persistence by another name: a retained message outlives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'options-persist-'));
    try {
      const conf = `listener {{port}}\nretained_persistence true\npersistence_location ${dir}/\nallow_anonymous true\n`;
      const b1 = await broker(conf);
      const c = await open(b1);
      await c.connect({ id: 'pub' });
      c.send(publish('keep', 'me', { qos: 1, mid: 1, retain: true }));
      await c.packet();
      c.end();
      await b1.stop();
      brokers = brokers.filter((x) => x !== b1);
      const b2 = await broker(conf);
      const s = await open(b2);
      await s.connect({ id: 'sub' });
      s.send(subscribe(1, [['keep', 0]]));
      expect((await s.packet()).type).toBe(0x90);
      expect(decodePublish(await s.packet()).payload.toString()).toBe('me');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
