/*
 * Writing the persistence file, porting the intent of mosquitto's test/unit/persist_write_test.c:
 * a database restored from one of mosquitto's fixtures (read in place from the C tree) and saved
 * again is the same file byte for byte; an empty database gives files/persist_write/empty.test-db.
 * Also: the save replaces the file through `<file>.new` and a rename, leaves $SYS out, and keeps
 * queued and in-flight messages, subscriptions and retained messages of live state.
 */
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db__message_insert, db__message_store, db__messages_easy_queue, db__msg_store_new, db__open } from '../../../src/broker/database.js';
import { db, mosq_mo_client } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__config } from '../../../src/broker/mosquitto_broker_internal.js';
import { persist__restore } from '../../../src/broker/persist_read.js';
import { persist__backup } from '../../../src/broker/persist_write.js';
import { sub__add } from '../../../src/broker/subs.js';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { MQTT_PROP_USER_PROPERTY } from '../../../src/include/mqtt_protocol.js';
import { mosq_md_in, mosq_md_out, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { mosquitto_property_add_string_pair } from '../../../src/lib/property_mosq.js';
import { make_context, make_listener, reset_db } from '../helpers/context.js';
import { FIXTURES } from '../helpers/persist.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'persist-write-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database writing to `<dir>/<name>`. */
function setup(name: string, config: Partial<mosquitto__config> = {}): string {
  reset_db(config);
  const path = join(dir, name);
  db.config!.persistence = true;
  db.config!.persistence_filepath = path;
  return path;
}

/** Listener 1883 with per_listener_settings, as the C tests set it up. */
function per_listener_1883(): Partial<mosquitto__config> {
  return { listeners: [make_listener({ port: 1883 })], listener_count: 1, per_listener_settings: true };
}

/** A client's messages of one direction, in flight then queued, as what matters of them. */
function messages(c: mosquitto, dir: 'msgs_in' | 'msgs_out'): { topic: string | null; mid: number; qos: number; state: number; where: string; payload: string }[] {
  const out = [];
  for (const [where, head] of [['inflight', c[dir].inflight], ['queued', c[dir].queued]] as const) {
    for (let m = head; m; m = m.next) {
      out.push({ topic: m.store.topic, mid: m.mid, qos: m.qos, state: m.state, where, payload: m.store.payload.toString() });
    }
  }
  return out;
}

/** Restores a fixture of files/persist_read into the current database. */
function restore(fixture: string): void {
  const out = db.config!.persistence_filepath;
  db.config!.persistence_filepath = join(FIXTURES, 'persist_read', `${fixture}.test-db`);
  expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
  db.config!.persistence_filepath = out;
}

describe('persist__backup', () => {
  it('needs a config and a file path, and does nothing with persistence off', () => {
    reset_db({ persistence_filepath: null });
    db.config!.persistence = true;
    expect(persist__backup(false)).toBe(MOSQ_ERR_INVAL);
    const path = join(dir, 'disabled.db');
    db.config!.persistence = false;
    db.config!.persistence_filepath = path;
    expect(persist__backup(false)).toBe(MOSQ_ERR_SUCCESS);
    expect(existsSync(path)).toBe(false);
    db.config = null;
    expect(persist__backup(false)).toBe(MOSQ_ERR_INVAL);
  });

  it('writes an empty database as files/persist_write/empty.test-db', () => {
    const path = setup('empty.db');
    expect(persist__backup(false)).toBe(MOSQ_ERR_SUCCESS);
    expect(readFileSync(path)).toEqual(readFileSync(join(FIXTURES, 'persist_write', 'empty.test-db')));
  });

  it('leaves out a stored message nobody holds (files/persist_write/v6-message-store-no-ref.test-db)', () => {
    const path = setup('v6-message-store-no-ref.db');
    restore('v6-message-store');
    expect(persist__backup(true)).toBe(MOSQ_ERR_SUCCESS);
    expect(readFileSync(path)).toEqual(readFileSync(join(FIXTURES, 'persist_write', 'v6-message-store-no-ref.test-db')));
  });

  it.each([
    ['v6-cfg', false],
    ['v6-message-store-props', true],
    ['v6-client', true],
    ['v6-client-message', true],
    ['v6-client-message-props', true],
    ['v6-sub', true],
  ])('restores %s and writes the same bytes back', (fixture, per_listener) => {
    const path = setup(`${fixture}.db`, per_listener ? per_listener_1883() : {});
    if (fixture === 'v6-sub') {
      db.config!.persistence = false;
      db__open(db.config);
      db.config!.persistence = true;
    }
    restore(fixture);
    if (fixture === 'v6-client-message-props') {
      expect(db.msg_store!.source_listener!.port).toBe(1883);
    }
    expect(persist__backup(true)).toBe(MOSQ_ERR_SUCCESS);
    expect(readFileSync(path)).toEqual(readFileSync(join(FIXTURES, 'persist_read', `${fixture}.test-db`)));
  });

  it('replaces the old file through <file>.new, breaking a stale hard link, with owner-only permissions', () => {
    const path = setup('mosquitto.db');
    writeFileSync(path, 'old contents');
    linkSync(path, `${path}.new`);
    expect(persist__backup(false)).toBe(MOSQ_ERR_SUCCESS);
    expect(existsSync(`${path}.new`)).toBe(false);
    expect(readFileSync(path)).toEqual(readFileSync(join(FIXTURES, 'persist_write', 'empty.test-db')));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('fails and keeps the old file when the directory cannot be written', () => {
    reset_db();
    db.config!.persistence = true;
    db.config!.persistence_filepath = join(dir, 'missing-dir', 'mosquitto.db');
    expect(persist__backup(false)).toBe(1);
  });
});

describe('persist__backup and persist__restore: live state survives a save and a restore', () => {
  it('keeps retained messages, sessions, subscriptions and queued messages, and leaves $SYS out', () => {
    const path = setup('live.db', { queue_qos0_messages: false });
    db__open(db.config);
    const listener = make_listener({ port: 1883 });
    db.config!.listeners = [listener];
    db.config!.listener_count = 1;

    const durable = make_context('durable', { online: false, protocol: mosq_p_mqtt5, clean_start: false, username: 'alice', listener });
    durable.session_expiry_interval = 3600;
    durable.session_expiry_time = 1700003600;
    durable.last_mid = 7;
    db.contexts_by_id.set('durable', durable);
    const transient = make_context('transient', { online: false, clean_start: true });
    db.contexts_by_id.set('transient', transient);

    expect(sub__add(durable, 'a/+/c', 1, 42, 0x04, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(sub__add(durable, '/lead', 2, 0, 0x08, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(sub__add(durable, '$SYS/#', 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(sub__add(transient, 'a/#', 1, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);

    const publisher = make_context('pub', { username: 'bob', listener });
    const props = mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, 'k', 'v').proplist;
    db__messages_easy_queue(publisher, 'a/b/c', 1, 2, Buffer.from('m1'), false, 0, props);
    db__messages_easy_queue(publisher, 'a/x/c', 1, 2, Buffer.from('m2'), true, 0, null);
    db__messages_easy_queue(null, '$SYS/broker/uptime', 0, 3, Buffer.from('10s'), true, 0, null);
    /* an incoming QoS 2 message the client has not released yet */
    const incoming = db__msg_store_new();
    incoming.topic = 'in/q2';
    incoming.qos = 2;
    incoming.payload = Buffer.from('m3');
    incoming.payloadlen = 2;
    expect(db__message_store(durable, incoming, 0, 0, mosq_mo_client)).toBe(MOSQ_ERR_SUCCESS);
    expect(db__message_insert(durable, 9, mosq_md_in, 2, false, incoming, null, false)).toBe(MOSQ_ERR_SUCCESS);

    const out_before = messages(durable, 'msgs_out');
    const in_before = messages(durable, 'msgs_in');
    expect(out_before.map((m) => m.topic)).toEqual(['a/b/c', 'a/x/c']);

    const last_mid = durable.last_mid;
    expect(last_mid).toBe(9);
    expect(persist__backup(true)).toBe(MOSQ_ERR_SUCCESS);

    /* A new broker process: empty database, same config. */
    reset_db({ listeners: [listener], listener_count: 1, per_listener_settings: true });
    db.config!.persistence = true;
    db.config!.persistence_filepath = path;
    expect(db__open(db.config)).toBe(MOSQ_ERR_SUCCESS);

    expect([...db.contexts_by_id.keys()]).toEqual(['durable']);
    const c = db.contexts_by_id.get('durable')!;
    expect(c.username).toBe('alice');
    expect(c.listener).toBe(listener);
    expect(c.session_expiry_interval).toBe(3600);
    expect(c.session_expiry_time).toBe(1700003600);
    expect(c.last_mid).toBe(last_mid);

    expect(messages(c, 'msgs_out')).toEqual(out_before);
    expect(c.msgs_out.msg_count).toBe(2);
    expect(c.msgs_out.msg_count12).toBe(2);
    const first = c.msgs_out.queued!;
    expect(first.store.properties!.map((p) => [p.identifier, p.name.v, p.value.s.v])).toEqual([[MQTT_PROP_USER_PROPERTY, 'k', 'v']]);
    expect(first.store.source_id).toBe('pub');
    expect(first.store.source_username).toBe('bob');
    expect(first.store.source_listener).toBe(listener);
    expect(first.direction).toBe(mosq_md_out);
    expect(messages(c, 'msgs_in')).toEqual(in_before);
    expect(in_before).toMatchObject([{ topic: 'in/q2', mid: 9, qos: 2, payload: 'm3' }]);
    expect((c.msgs_in.inflight ?? c.msgs_in.queued)!.direction).toBe(mosq_md_in);

    /* Subscriptions, with identifier and options; the transient client's is gone. */
    const a = db.subs!.children.get('')!.children.get('')!.children.get('a')!;
    const leaf = a.children.get('+')!.children.get('c')!.subs!;
    expect([leaf.context.id, leaf.qos, leaf.identifier, leaf.no_local, leaf.retain_as_published]).toEqual(['durable', 1, 42, true, false]);
    expect(a.children.get('#')).toBeUndefined();
    const lead = db.subs!.children.get('')!.children.get('')!.children.get('')!.children.get('lead')!.subs!;
    expect([lead.qos, lead.retain_as_published]).toEqual([2, true]);
    expect(db.subs!.children.get('$SYS')!.children.get('$SYS')!.children.get('#')!.subs!.context.id).toBe('durable');

    /* The retained message is back; the $SYS one is not. */
    const retained = db.retains!.children.get('')!.children.get('')!.children.get('a')!.children.get('x')!.children.get('c')!.retained!;
    expect(retained.payload.toString()).toBe('m2');
    expect(db.retains!.children.get('$SYS')!.children.size).toBe(0);
    expect(db.retained_count).toBe(1);
  });
});
