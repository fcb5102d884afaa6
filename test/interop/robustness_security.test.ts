/*
 * Security (issue 8, item 6), each scenario run against the port and Debian's mosquitto 2.0.11 with
 * the same password and ACL files: ACLs applied to publish, subscribe, will, retained and queued
 * delivery, and again after a SIGHUP reload with a changed ACL file; failed logins answer the same
 * whatever part was wrong; clients cannot publish to $SYS; the password hash comparison reads
 * every byte (no early exit).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquitto_security_init, mosquitto_unpwd_check } from '../../src/broker/security.js';
import { db } from '../../src/broker/mosquitto_broker_internal.js';
import { MOSQ_ERR_AUTH, MOSQ_ERR_SUCCESS } from '../../src/include/mosquitto.js';
import { make_context, reset_db } from '../unit/helpers/context.js';
import { startDebian, startPort, type RunningBroker } from './helpers/broker.js';
import { raw_client, robustnessPort } from './helpers/raw.js';

const dir = mkdtempSync(join(tmpdir(), 'robust-sec-'));
const pwfile = join(dir, 'pw');
const aclfile = join(dir, 'acl');
const ACL1 = [
  'user alice', 'topic readwrite a/#', 'topic readwrite $SYS/#', 'topic readwrite will/#',
  '', 'user bob', 'topic readwrite b/#', 'topic read a/#', 'topic deny a/closed/#', 'topic write will/bob/#', '',
].join('\n');
/* After the reload bob may no longer read a/open/#. */
const ACL2 = ACL1.replace('topic read a/#', 'topic read a/other/#');

let brokers: RunningBroker[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  writeFileSync(pwfile, '');
  execFileSync('/usr/bin/mosquitto_passwd', ['-b', pwfile, 'alice', 'alicepw']);
  execFileSync('/usr/bin/mosquitto_passwd', ['-b', pwfile, 'bob', 'bobpw']);
  writeFileSync(aclfile, ACL1);
  const conf = `allow_anonymous false\npassword_file ${pwfile}\nacl_file ${aclfile}\n`;
  brokers = await Promise.all([
    startPort(conf, { port: await robustnessPort('security') }),
    startDebian(conf, { port: await robustnessPort('security') }),
  ]);
}, 30000);

afterAll(async () => {
  for (const b of brokers) await b.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a scenario on both brokers; returns [port result, mosquitto result]. */
async function both<T>(scenario: (b: RunningBroker) => Promise<T>): Promise<[T, T]> {
  const [a, b] = await Promise.all(brokers.map(scenario));
  return [a, b];
}

async function login(b: RunningBroker, id: string, user: string, pass: string, version: 4 | 5 = 5, clean = true): Promise<raw_client> {
  const c = new raw_client();
  const ack = await c.connect(b.port, id, { version, username: user, password: pass, clean, session_expiry: clean ? 0 : 600 });
  expect(ack?.reason).toBe(0);
  return c;
}

describe('ACLs, port and mosquitto 2.0.11 side by side', () => {
  it('publish and subscribe are checked: denied SUBSCRIBE and PUBLISH answer as mosquitto does, nothing leaks', async () => {
    const [ours, theirs] = await both(async (b) => {
      const alice = await login(b, 'alice-ps', 'alice', 'alicepw');
      const bob = await login(b, 'bob-ps', 'bob', 'bobpw');
      const sub_codes = [await bob.subscribe('a/open/#'), await bob.subscribe('a/closed/#'), await bob.subscribe('nowhere/#'), await alice.subscribe('b/#'), await alice.subscribe('a/#')];
      const pub_codes = [await bob.publish('a/open/x', 'bob-denied', 1), await bob.publish('b/x', 'bob-ok', 1), await alice.publish('a/open/1', 'alice-ok', 1), await alice.publish('a/closed/1', 'closed', 1)];
      await alice.ping(); await bob.ping(); await sleep(100);
      const r = { sub_codes, pub_codes, alice: alice.received.map((m) => m.topic), bob: bob.received.map((m) => m.topic) };
      alice.disconnect(); bob.disconnect();
      return r;
    });
    expect(ours).toEqual(theirs);
    expect(ours.alice).toEqual(['a/open/1', 'a/closed/1']);
    expect(ours.bob).toEqual(['a/open/1']);
  });

  it('a will on a topic the client may not write is not delivered', async () => {
    const [ours, theirs] = await both(async (b) => {
      const alice = await login(b, 'alice-w', 'alice', 'alicepw');
      await alice.subscribe('will/#');
      const results: (number | null)[] = [];
      for (const [id, topic] of [['bob-w1', 'will/alice/x'], ['bob-w2', 'will/bob/x']]) {
        const bob = new raw_client();
        const ack = await bob.connect(b.port, id, { version: 5, username: 'bob', password: 'bobpw', will: { topic, payload: id } });
        results.push(ack?.reason ?? null);
        await sleep(50);
        bob.drop();
      }
      await sleep(300);
      await alice.ping();
      const r = { results, alice: alice.received.map((m) => `${m.topic}=${m.payload}`) };
      alice.disconnect();
      return r;
    });
    expect(ours).toEqual(theirs);
    expect(ours.alice).toEqual(['will/bob/x=bob-w2']);
  });

  it('retained messages are checked at delivery', async () => {
    const [ours, theirs] = await both(async (b) => {
      const alice = await login(b, 'alice-r', 'alice', 'alicepw');
      await alice.publish('a/open/ret', 'o', 1, true);
      await alice.publish('a/closed/ret', 'c', 1, true);
      const bob = await login(b, 'bob-r', 'bob', 'bobpw');
      const code = await bob.subscribe('a/#');
      await bob.ping(); await sleep(100);
      const r = { code, bob: bob.received.map((m) => `${m.topic}:${m.retain}`) };
      await alice.publish('a/open/ret', '', 1, true);
      await alice.publish('a/closed/ret', '', 1, true);
      alice.disconnect(); bob.disconnect();
      return r;
    });
    expect(ours).toEqual(theirs);
    expect(ours.bob).toEqual(['a/open/ret:true']);
  });

  it('queued messages for an offline session are checked at delivery', async () => {
    const [ours, theirs] = await both(async (b) => {
      const bob1 = await login(b, 'bob-q', 'bob', 'bobpw', 4, false);
      await bob1.subscribe('a/#');
      bob1.disconnect();
      await sleep(100);
      const alice = await login(b, 'alice-q', 'alice', 'alicepw');
      await alice.publish('a/open/q', 'o', 1);
      await alice.publish('a/closed/q', 'c', 1);
      alice.disconnect();
      const bob2 = await login(b, 'bob-q', 'bob', 'bobpw', 4, false);
      await bob2.ping(); await sleep(150);
      const r = { bob: bob2.received.map((m) => m.topic) };
      bob2.disconnect();
      return r;
    });
    expect(ours).toEqual(theirs);
    expect(ours.bob).toEqual(['a/open/q']);
  });

  it('a SIGHUP reload applies the new ACL file to existing subscriptions', async () => {
    const [ours, theirs] = await both(async (b) => {
      const bob = await login(b, `bob-hup-${b.kind}`, 'bob', 'bobpw');
      await bob.subscribe('a/#');
      const alice = await login(b, `alice-hup-${b.kind}`, 'alice', 'alicepw');
      await alice.publish('a/open/before', 'x', 1);
      await bob.ping(); await sleep(100);
      const before = bob.received.map((m) => m.topic);
      return { b, bob, alice, before };
    });
    writeFileSync(aclfile, ACL2);
    for (const b of brokers) b.proc.kill('SIGHUP');
    for (const b of brokers) await b.waitForLine(/Reloading config/, 5000).catch(() => null);
    await sleep(500);
    const after = await Promise.all([ours, theirs].map(async (s) => {
      await s.alice.publish('a/open/after', 'x', 1);
      await s.alice.publish('a/other/after', 'x', 1);
      await s.bob.ping(); await sleep(150);
      const r = { before: s.before, after: s.bob.received.map((m) => m.topic).slice(s.before.length) };
      s.alice.disconnect(); s.bob.disconnect();
      return r;
    }));
    writeFileSync(aclfile, ACL1);
    for (const b of brokers) b.proc.kill('SIGHUP');
    await sleep(300);
    expect(after[0]).toEqual(after[1]);
    expect(after[0]).toEqual({ before: ['a/open/before'], after: ['a/other/after'] });
  });

  it('clients cannot publish to $SYS, even when the ACL allows it', async () => {
    const [ours, theirs] = await both(async (b) => {
      const alice = await login(b, 'alice-sys', 'alice', 'alicepw');
      await alice.subscribe('$SYS/test/#');
      const code = await alice.publish('$SYS/test/x', 'fake', 1);
      await alice.publish('$SYS/test/y', 'fake', 0);
      await alice.ping(); await sleep(100);
      const r = { code, got: alice.received.map((m) => m.topic) };
      alice.disconnect();
      return r;
    });
    expect(ours).toEqual(theirs);
    expect(ours.got).toEqual([]);
  });
});

describe('failed logins reveal nothing more than mosquitto does', () => {
  for (const version of [4, 5] as const) {
    it(`MQTT ${version === 5 ? '5' : '3.1.1'}: unknown user, wrong password, missing password, no username`, async () => {
      const cases: [string | undefined, string | undefined][] = [['nobody', 'alicepw'], ['alice', 'wrong'], ['alice', undefined], [undefined, undefined], ['alice', '']];
      const [ours, theirs] = await both(async (b) => {
        const out: (number | null)[] = [];
        for (const [i, [username, password]] of cases.entries()) {
          const c = new raw_client();
          const ack = await c.connect(b.port, `login-${version}-${i}`, { version, username, password });
          out.push(ack?.reason ?? null);
          c.drop();
        }
        return out;
      });
      expect(ours).toEqual(theirs);
      /* Unknown user and wrong password are indistinguishable. */
      expect(ours[0]).toBe(ours[1]);
      expect(ours[0]).toBe(version === 5 ? 0x87 : 5);
    });
  }
});

describe('password check in constant time', () => {
  /*
   * The stored hash is wrapped so that every byte the comparison reads is recorded. A wrong
   * password must be compared to the last byte, whether it differs at the first byte or not at
   * all until the end: an early exit (or a Buffer.compare/equals shortcut) fails this test.
   */
  it('reads every byte of the stored hash for a wrong password, as for the right one', () => {
    reset_db();
    db.config!.security_options.password_file = pwfile;
    db.config!.security_options.allow_anonymous = 0;
    expect(mosquitto_security_init(false)).toBe(MOSQ_ERR_SUCCESS);
    const u = db.config!.security_options.unpwd!.get('alice')!;
    const hash = u.password!;
    const read = new Set<number>();
    u.password = new Proxy(hash, {
      get(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) read.add(Number(prop));
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    for (const [password, rc] of [['alicepw', MOSQ_ERR_SUCCESS], ['wrong', MOSQ_ERR_AUTH], ['alicepX', MOSQ_ERR_AUTH]] as const) {
      read.clear();
      const ctx = make_context('ct', { username: 'alice', password: Buffer.from(password) });
      ctx.listener!.security_options = db.config!.security_options;
      expect(mosquitto_unpwd_check(ctx)).toBe(rc);
      expect(read.size).toBe(u.password_len);
    }
  });
});
