/*
 * Restoring from mosquitto's own persistence fixtures (the C tree's test/unit/files/persist_read,
 * read in place), porting the intent of test/unit/persist_read_test.c: empty, corrupt and
 * unsupported files give the same return codes, and every chunk type of format versions 3 to 6
 * restores what the C test expects. The broker modules behind persist__restore are the real ones
 * (the C test stubs sub__add and db__message_store; here the subscription and the store are
 * checked where the real functions put them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db__open } from '../../../src/broker/database.js';
import { log__init } from '../../../src/broker/logging.js';
import { db, MQTT3_LOG_STDERR } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__config, mosquitto__listener, mosquitto__subhier } from '../../../src/broker/mosquitto_broker_internal.js';
import { DB_CHUNK_CLIENT, PF_client__pack, PF_header__pack, sizeof_PF_client } from '../../../src/broker/persist.js';
import { magic, persist__restore } from '../../../src/broker/persist_read.js';
import { MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR, MOSQ_LOG_WARNING } from '../../../src/include/mosquitto.js';
import { MQTT_PROP_PAYLOAD_FORMAT_INDICATOR } from '../../../src/include/mqtt_protocol.js';
import { mosq_md_out, mosq_ms_wait_for_puback } from '../../../src/lib/mosquitto_internal.js';
import { make_config, make_listener, reset_db } from '../helpers/context.js';
import { FIXTURES } from '../helpers/persist.js';


let logged: string[] = [];

/** A fresh database with persistence pointed at a fixture of files/persist_read. */
function setup(fixture: string | null, config: Partial<mosquitto__config> = {}): void {
  reset_db(config);
  db.config!.persistence = true;
  db.config!.persistence_filepath = fixture === null ? null : join(FIXTURES, 'persist_read', `${fixture}.test-db`);
}

/** Listener 1883, as the C tests set it up. */
function listener_1883(): { listener: mosquitto__listener; config: Partial<mosquitto__config> } {
  const listener = make_listener({ port: 1883 });
  return { listener, config: { listeners: [listener], listener_count: 1 } };
}

/** The subscription tree node of a filter (root, then the levels with the root name repeated). */
function sub_node(filter: string): mosquitto__subhier | undefined {
  let hier = db.subs!.children.get('');
  for (const level of ['', ...filter.split('/')]) {
    hier = hier?.children.get(level);
  }
  return hier;
}

beforeEach(() => {
  logged = [];
  log__init(make_config({ log_dest: MQTT3_LOG_STDERR, log_type: MOSQ_LOG_ERR | MOSQ_LOG_WARNING, log_timestamp: false }));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(chunk.toString().trimEnd().replace(/^\d+: /, ''));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('persist__restore: files that hold no database', () => {
  it('does nothing with persistence off', () => {
    reset_db();
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
  });

  it('does nothing without a file path, or when the file does not exist', () => {
    setup(null);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    setup('no-such-file');
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(logged).toEqual([]);
  });

  it('accepts an empty file with a warning', () => {
    setup('empty');
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(logged).toEqual(['Warning: Persistence file is empty.']);
  });

  it('refuses a header that is too short or not the magic', () => {
    setup('corrupt-header-short');
    expect(persist__restore()).toBe(1);
    setup('corrupt-header-long');
    expect(persist__restore()).toBe(1);
    expect(logged).toContain('Error: Unable to restore persistent database. Unrecognised file format.');
  });

  it('refuses an unsupported version, printed as a signed int as C does', () => {
    setup('unsupported-version');
    expect(persist__restore()).toBe(1);
    expect(logged).toEqual(['Error: Unsupported persistent database format version -1 (need version 6).']);
  });
});

describe('persist__restore: cfg chunk', () => {
  it.each(['v3-cfg', 'v4-cfg', 'v6-cfg'])('%s: restores last_db_id', (fixture) => {
    setup(fixture);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.last_db_id).toBe(0x7856341200000000);
  });

  it.each(['v3-cfg-truncated', 'v5-cfg-truncated'])('%s: a truncated chunk is an error', (fixture) => {
    setup(fixture);
    expect(persist__restore()).toBe(1);
    expect(db.last_db_id).toBe(0);
  });

  it('refuses a store id size other than 8', () => {
    setup('v3-cfg-bad-dbid');
    expect(persist__restore()).toBe(1);
    expect(db.last_db_id).toBe(0);
    expect(logged).toEqual(['Error: Incompatible database configuration (dbid size is 9 bytes, expected 8)']);
  });

  it.each([
    ['v3-bad-chunk', '65535'],
    ['v5-bad-chunk', '-1'],
  ])('%s: skips an unknown chunk with a warning', (fixture, printed) => {
    setup(fixture);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.last_db_id).toBe(0x17);
    expect(logged).toEqual([`Warning: Unsupported chunk "${printed}" in persistent database file. Ignoring.`]);
  });
});

describe('persist__restore: message store chunk', () => {
  it.each([
    ['v3-message-store', 1, 2, 2, true],
    /* 0xFEDCBA9876543210 in the file: a JS number keeps its nearest double */
    ['v4-message-store', Number(0xfedcba9876543210n), 0x88, 1, false],
    ['v6-message-store', 1, 2, 2, true],
  ])('%s: restores the message', (fixture, db_id, source_mid, qos, retain) => {
    setup(fixture);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.msg_store_count).toBe(1);
    expect(db.msg_store_bytes).toBe(7);
    const s = db.msg_store!;
    expect(s).not.toBeNull();
    expect(s.db_id).toBe(db_id);
    expect(s.source_id).toBe('source_id');
    expect(s.source_mid).toBe(source_mid);
    expect(s.mid).toBe(0);
    expect(s.qos).toBe(qos);
    expect(s.retain).toBe(retain);
    expect(s.topic).toBe('topic');
    expect(s.payloadlen).toBe(7);
    expect(s.payload.toString()).toBe('payload');
    expect(s.properties).toBeNull();
    /* Nobody holds it: it is not retained and no client has it queued. */
    expect(s.ref_count).toBe(0);
  });

  it('v6-message-store-props: restores the properties and the source listener', () => {
    const { listener, config } = listener_1883();
    setup('v6-message-store-props', config);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.msg_store_count).toBe(1);
    expect(db.msg_store_bytes).toBe(7);
    const s = db.msg_store!;
    expect(s.db_id).toBe(1);
    expect(s.source_id).toBe('source_id');
    expect(s.source_username).toBe('username');
    expect(s.topic).toBe('topic');
    expect(s.payload.toString()).toBe('payload');
    expect(s.properties).toHaveLength(1);
    expect(s.properties![0].identifier).toBe(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR);
    expect(s.properties![0].value.i8).toBe(1);
    expect(s.source_listener).toBe(listener);
  });
});

describe('persist__restore: client chunk', () => {
  it.each(['v3-client', 'v5-client'])('%s: restores an offline persistent client', (fixture) => {
    setup(fixture);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    const context = db.contexts_by_id.get('client-id')!;
    expect(context).toBeDefined();
    expect(context.msgs_in.inflight).toBeNull();
    expect(context.msgs_out.inflight).toBeNull();
    expect(context.last_mid).toBe(0x5287);
    expect(context.clean_start).toBe(false);
    expect(context.sock).toBeNull();
  });

  it('v6-client: also restores the username, session expiry and (per listener) the listener', () => {
    const { listener, config } = listener_1883();
    setup('v6-client', { ...config, per_listener_settings: true });
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    const context = db.contexts_by_id.get('client-id')!;
    expect(context.last_mid).toBe(0x5287);
    expect(context.listener).toBe(listener);
    expect(context.username).toBe('usrname');
    expect(context.session_expiry_time).toBe(0x23);
    expect(context.session_expiry_interval).toBe(0xffffffff);
  });

  it('v6-client: without per_listener_settings the listener is not looked up', () => {
    const { config } = listener_1883();
    setup('v6-client', config);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.contexts_by_id.get('client-id')!.listener).toBeNull();
  });
});

describe('persist__restore: a username as mosquitto 2.0.11 can write it', () => {
  it('ends at the first NUL byte, as the C string does', () => {
    /* mosquitto reuses one client chunk while saving, so a client without a username after one
     * with a username gets a (byte-swapped) length and the previous username plus stale heap
     * bytes: "bob\0..." of 768 bytes. mosquitto reads that back as "bob"; so must the port. */
    const dir = mkdtempSync(join(tmpdir(), 'persist-read-'));
    try {
      const garbage = Buffer.concat([Buffer.from('bob\0'), Buffer.alloc(764, 0xa5)]);
      const F = { session_expiry_time: 0n, session_expiry_interval: 0xffffffff, last_mid: 1, id_len: 7, listener_port: 0, username_len: garbage.length };
      const header = PF_header__pack({ chunk: DB_CHUNK_CLIENT, length: sizeof_PF_client + 7 + garbage.length });
      const file = Buffer.concat([magic, Buffer.alloc(4), Buffer.from([0, 0, 0, 6]), header, PF_client__pack(F), Buffer.from('second'), Buffer.from('2'), garbage]);
      writeFileSync(join(dir, 'm.db'), file);
      reset_db();
      db.config!.persistence = true;
      db.config!.persistence_filepath = join(dir, 'm.db');
      expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
      expect(db.contexts_by_id.get('second2')!.username).toBe('bob');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('persist__restore: client message chunk', () => {
  it.each([
    ['v3-client-message', false],
    ['v6-client-message', false],
    ['v6-client-message-props', true],
  ])('%s: puts the message back in flight', (fixture, props) => {
    setup(fixture);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    const context = db.contexts_by_id.get('client-id')!;
    const msg = context.msgs_out.inflight!;
    expect(msg).not.toBeNull();
    expect(msg.next).toBeNull();
    expect(msg.store.ref_count).toBe(1);
    expect(msg.store.source_id).toBe('source_id');
    expect(msg.store.source_mid).toBe(2);
    expect(msg.store.mid).toBe(0);
    expect(msg.store.qos).toBe(2);
    expect(msg.store.retain).toBe(true);
    expect(msg.store.topic).toBe('topic');
    expect(msg.store.payloadlen).toBe(7);
    expect(msg.store.payload.toString()).toBe('payload');
    expect(msg.mid).toBe(0x73);
    expect(msg.qos).toBe(1);
    expect(msg.retain).toBe(false);
    expect(msg.direction).toBe(mosq_md_out);
    expect(msg.state).toBe(mosq_ms_wait_for_puback);
    expect(msg.dup).toBe(false);
    if (props) {
      expect(msg.properties).toHaveLength(1);
      expect(msg.properties![0].identifier).toBe(1);
      expect(msg.properties![0].value.i8).toBe(1);
    } else {
      expect(msg.properties).toBeNull();
    }
    /* The counts a reconnect starts from. */
    expect(context.msgs_out.msg_count).toBe(1);
    expect(context.msgs_out.msg_count12).toBe(1);
    expect(context.msgs_out.msg_bytes).toBe(7);
    expect(context.msgs_out.inflight_quota).toBe(19);
  });

  it('queues a QoS 1 message instead when the in-flight window is closed', () => {
    setup('v6-client-message', { max_inflight_messages: 0 });
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    const context = db.contexts_by_id.get('client-id')!;
    expect(context.msgs_out.inflight).toBeNull();
    expect(context.msgs_out.queued!.mid).toBe(0x73);
  });
});

describe('persist__restore: retain chunk', () => {
  it.each([['v3-retain'], ['v6-retain']])('%s: the message becomes the retained message of its topic', (fixture) => {
    setup(fixture);
    db__open(db.config);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.msg_store_count).toBe(1);
    expect(db.msg_store_bytes).toBe(7);
    const s = db.msg_store!;
    expect(s.db_id).toBe(0x54);
    expect(s.source_id).toBe('source_id');
    expect(s.qos).toBe(2);
    expect(s.retain).toBe(true);
    expect(s.topic).toBe('topic');
    const root = db.retains!.children.get('')!;
    expect(root.topic).toBe('');
    const level0 = root.children.get('')!;
    expect(level0.topic).toBe('');
    const node = level0.children.get('topic')!;
    expect(node.topic).toBe('topic');
    expect(node.retained).toBe(s);
    expect(s.ref_count).toBe(1);
  });
});

describe('persist__restore: subscription chunk', () => {
  it.each([
    ['v3-sub', 0],
    ['v6-sub', 0x7623],
  ])('%s: subscribes the client again', (fixture, identifier) => {
    setup(fixture);
    db__open(db.config);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    const context = db.contexts_by_id.get('client-id')!;
    expect(context).toBeDefined();
    const leaf = sub_node('subscription')!.subs!;
    expect(leaf.context).toBe(context);
    expect(leaf.qos).toBe(1);
    expect(leaf.identifier).toBe(identifier);
    expect(leaf.next).toBeNull();
  });

  it('v6-sub: the option bits come back as no_local and retain_as_published', () => {
    setup('v6-sub');
    db__open(db.config);
    expect(persist__restore()).toBe(MOSQ_ERR_SUCCESS);
    const leaf = sub_node('subscription')!.subs!;
    expect(leaf.no_local).toBe(true);
    expect(leaf.retain_as_published).toBe(true);
  });
});

describe('db__open', () => {
  it('restores the persistence file and fails when the file is bad', () => {
    setup('v6-client');
    expect(db__open(db.config)).toBe(MOSQ_ERR_SUCCESS);
    expect(db.contexts_by_id.has('client-id')).toBe(true);
    setup('unsupported-version');
    expect(db__open(db.config)).toBe(1);
  });
});
