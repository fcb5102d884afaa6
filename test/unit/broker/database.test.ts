import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_OVERSIZE_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_NOTICE,
} from '../../../src/include/mosquitto.js';
import {
  mosq_cs_active,
  mosq_cs_new,
  mosq_md_in,
  mosq_md_out,
  mosq_ms_publish_qos1,
  mosq_ms_publish_qos2,
  mosq_ms_queued,
  mosq_ms_resend_pubrel,
  mosq_ms_wait_for_puback,
  mosq_ms_wait_for_pubcomp,
  mosq_ms_wait_for_pubrec,
  mosq_ms_wait_for_pubrel,
  mosq_p_mqtt5,
} from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto, mosquitto_msg_data } from '../../../src/lib/mosquitto_internal.js';
import { db, mosq_mo_broker, mosq_mo_client } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto_client_msg, mosquitto_msg_store } from '../../../src/broker/mosquitto_broker_internal.js';
import { g } from '../../../src/broker/sys_tree.js';
import { make_context, reset_db } from '../helpers/context.js';

/* The database's collaborators are replaced by recorders: these tests look at the queues. */
const calls = vi.hoisted(() => ({
  publish: [] as { id: string | null; mid: number; topic: string | null; qos: number; retain: boolean; dup: boolean; expiry: number }[],
  publish_rc: 0,
  pubrec: [] as { id: string | null; mid: number }[],
  pubrel: [] as { id: string | null; mid: number }[],
  queued: [] as { source_id: string | null; topic: string; qos: number; retain: boolean; stored: unknown }[],
  queue_rc: 0,
  logs: [] as { priority: number; msg: string }[],
}));

vi.mock('../../../src/lib/send_publish.js', () => ({
  send__publish: (mosq: mosquitto, mid: number, topic: string | null, _len: number, _payload: Buffer, qos: number,
      retain: boolean, dup: boolean, _c: unknown, _s: unknown, expiry: number) => {
    calls.publish.push({ id: mosq.id, mid, topic, qos, retain, dup, expiry });
    return calls.publish_rc;
  },
}));
vi.mock('../../../src/lib/send_mosq.js', () => ({
  send__pubrec: (mosq: mosquitto, mid: number) => { calls.pubrec.push({ id: mosq.id, mid }); return 0; },
  send__pubrel: (mosq: mosquitto, mid: number) => { calls.pubrel.push({ id: mosq.id, mid }); return 0; },
}));
vi.mock('../../../src/broker/subs.js', () => ({
  sub__add_hier_entry: (parent: unknown, sibling: Map<string, unknown>, topic: string, len: number) => {
    const child = { parent, children: new Map(), subs: null, shared: new Map(), topic, topic_len: len };
    sibling.set(topic, child);
    return child;
  },
  sub__messages_queue: (source_id: string | null, topic: string, qos: number, retain: boolean, stored: unknown) => {
    calls.queued.push({ source_id, topic, qos, retain, stored });
    return calls.queue_rc;
  },
}));
vi.mock('../../../src/broker/retain.js', () => ({
  retain__init: () => 0,
  retain__clean: () => undefined,
}));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string) => { calls.logs.push({ priority, msg }); return 0; },
}));

const {
  db__close,
  db__message_delete_outgoing,
  db__message_dequeue_first,
  db__message_insert,
  db__message_reconnect_reset,
  db__message_release_incoming,
  db__message_remove_incoming,
  db__message_store,
  db__message_store_find,
  db__message_update_outgoing,
  db__message_write_inflight_out_all,
  db__message_write_inflight_out_latest,
  db__message_write_queued_in,
  db__message_write_queued_out,
  db__messages_delete,
  db__messages_easy_queue,
  db__msg_store_compact,
  db__msg_store_new,
  db__msg_store_ref_dec,
  db__msg_store_ref_inc,
  db__open,
  db__ready_for_flight,
  db__ready_for_queue,
} = await import('../../../src/broker/database.js');

/** Stores a client message with this payload, as handle__publish would. */
function store(topic: string, payload: string, qos = 1, source: mosquitto | null = null, expiry = 0): mosquitto_msg_store {
  const stored = db__msg_store_new();
  stored.topic = topic;
  stored.qos = qos;
  stored.payload = Buffer.from(payload);
  stored.payloadlen = stored.payload.length;
  expect(db__message_store(source, stored, expiry, 0, source ? mosq_mo_client : mosq_mo_broker)).toBe(MOSQ_ERR_SUCCESS);
  return stored;
}

function list(head: mosquitto_client_msg | null): mosquitto_client_msg[] {
  const out: mosquitto_client_msg[] = [];
  for (let m = head; m; m = m.next) out.push(m);
  return out;
}

function mids(head: mosquitto_client_msg | null): number[] {
  return list(head).map((m) => m.mid);
}

function counts(d: mosquitto_msg_data): number[] {
  return [d.msg_count, d.msg_count12, d.msg_bytes, d.msg_bytes12];
}

function store_ids(): number[] {
  const out: number[] = [];
  for (let s = db.msg_store; s; s = s.next) out.push(s.db_id);
  return out;
}

beforeEach(() => {
  reset_db();
  calls.publish = [];
  calls.publish_rc = 0;
  calls.pubrec = [];
  calls.pubrel = [];
  calls.queued = [];
  calls.queue_rc = 0;
  calls.logs = [];
  g.g_msgs_dropped = 0;
});

describe('message store', () => {
  it('gives each stored message the next id and records its source', () => {
    const c = make_context('pub', { username: 'alice' });
    const a = store('a', 'hello', 1, c);
    const b = store('b', 'xy', 0, null, 60);

    expect([a.db_id, b.db_id]).toEqual([1, 2]);
    expect(store_ids()).toEqual([2, 1]);
    expect([db.msg_store_count, db.msg_store_bytes]).toEqual([2, 7]);
    expect([a.source_id, a.source_username, a.source_listener, a.origin]).toEqual(['pub', 'alice', c.listener, mosq_mo_client]);
    expect([b.source_id, b.origin, b.message_expiry_time]).toEqual(['', mosq_mo_broker, db.now_real_s + 60]);
    expect(a.message_expiry_time).toBe(0);
  });

  it('keeps a message while someone holds it and drops it with the last reference', () => {
    const a = store('a', 'hello');
    const b = store('b', 'bye');
    db__msg_store_ref_inc(a);
    db__msg_store_ref_inc(a);
    db__msg_store_ref_dec(a);
    expect(store_ids()).toEqual([2, 1]);
    db__msg_store_ref_dec(a);
    expect(store_ids()).toEqual([2]);
    expect([db.msg_store_count, db.msg_store_bytes]).toEqual([1, 3]);
    expect(a.payload.length).toBe(0);

    db__msg_store_ref_inc(b);
    store('c', '!');
    db__msg_store_compact();
    expect(store_ids()).toEqual([2]);
  });

  it('opens with the "" and $SYS roots and closes empty', () => {
    expect(db__open(db.config)).toBe(MOSQ_ERR_SUCCESS);
    expect([...db.subs!.children.keys()]).toEqual(['', '$SYS']);
    store('a', 'x');
    expect(db__close()).toBe(MOSQ_ERR_SUCCESS);
    expect(db.subs!.children.size).toBe(0);
    expect([db.msg_store, db.msg_store_count, db.msg_store_bytes]).toEqual([null, 0, 0]);
  });
});

describe('db__ready_for_flight / db__ready_for_queue', () => {
  it('limits QoS>0 by the in-flight quota and max_inflight_bytes', () => {
    const c = make_context('c');
    c.msgs_out.inflight_quota = 0;
    expect(db__ready_for_flight(c, mosq_md_out, 1)).toBe(false);
    c.msgs_out.inflight_quota = 1;
    expect(db__ready_for_flight(c, mosq_md_out, 1)).toBe(true);

    db.config!.max_inflight_bytes = 10;
    c.msgs_out.msg_bytes12 = 10;
    expect(db__ready_for_flight(c, mosq_md_out, 2)).toBe(false);
    c.msgs_out.msg_bytes12 = 9;
    expect(db__ready_for_flight(c, mosq_md_out, 2)).toBe(true);
    /* With no message window, only the byte limit counts. */
    c.msgs_out.inflight_maximum = 0;
    c.msgs_out.inflight_quota = 0;
    expect(db__ready_for_flight(c, mosq_md_out, 2)).toBe(true);
  });

  it('lets QoS 0 through until the outgoing packet queue reaches max_queued_messages', () => {
    reset_db({ max_queued_messages: 2 });
    const c = make_context('c');
    c.out_packet_count = 1;
    expect(db__ready_for_flight(c, mosq_md_out, 0)).toBe(true);
    c.out_packet_count = 2;
    expect(db__ready_for_flight(c, mosq_md_out, 0)).toBe(false);
    /* Incoming: counted against the messages beyond the in-flight window. */
    c.msgs_in.msg_count = 21;
    expect(db__ready_for_flight(c, mosq_md_in, 0)).toBe(true);
    c.msgs_in.msg_count = 22;
    expect(db__ready_for_flight(c, mosq_md_in, 0)).toBe(false);
  });

  it('queues QoS 0 only with queue_qos0_messages, and discounts the window only when online', () => {
    reset_db({ max_queued_messages: 3 });
    const online = make_context('on');
    const offline = make_context('off', { online: false });
    expect(db__ready_for_queue(offline, 0, offline.msgs_out)).toBe(false);
    db.config!.queue_qos0_messages = true;
    expect(db__ready_for_queue(offline, 0, offline.msgs_out)).toBe(true);

    offline.msgs_out.msg_count12 = 3;
    online.msgs_out.msg_count12 = 3;
    expect(db__ready_for_queue(offline, 1, offline.msgs_out)).toBe(false);
    expect(db__ready_for_queue(online, 1, online.msgs_out)).toBe(true);
    online.msgs_out.msg_count12 = 23;
    expect(db__ready_for_queue(online, 1, online.msgs_out)).toBe(false);

    reset_db({ max_queued_messages: 0, max_queued_bytes: 10 });
    const c = make_context('c', { online: false });
    c.msgs_out.msg_bytes12 = 9;
    expect(db__ready_for_queue(c, 1, c.msgs_out)).toBe(true);
    c.msgs_out.msg_bytes12 = 10;
    expect(db__ready_for_queue(c, 1, c.msgs_out)).toBe(false);
  });
});

describe('db__message_insert', () => {
  it('fills the in-flight window, then queues, sharing one stored message', () => {
    reset_db({ max_inflight_messages: 2 });
    const c = make_context('sub');
    const msgs = [store('t', 'aa'), store('t', 'bbb'), store('t', 'c')];

    expect(db__message_insert(c, 1, mosq_md_out, 1, false, msgs[0], null, false)).toBe(0);
    expect(db__message_insert(c, 2, mosq_md_out, 1, false, msgs[1], null, false)).toBe(0);
    expect(db__message_insert(c, 3, mosq_md_out, 2, false, msgs[2], null, false)).toBe(2);

    expect(mids(c.msgs_out.inflight)).toEqual([1, 2]);
    expect(list(c.msgs_out.inflight).map((m) => m.state)).toEqual([mosq_ms_publish_qos1, mosq_ms_publish_qos1]);
    expect(mids(c.msgs_out.queued)).toEqual([3]);
    expect(c.msgs_out.queued!.state).toBe(mosq_ms_queued);
    expect(counts(c.msgs_out)).toEqual([3, 3, 6, 6]);
    expect(c.msgs_out.inflight_quota).toBe(0);
    expect(msgs.map((m) => m.ref_count)).toEqual([1, 1, 1]);
    expect(msgs[0].dest_ids).toEqual(['sub']);
    expect(db.persistence_changes).toBe(1);
  });

  it('sends at once with update, marking the message as a duplicate for retries', () => {
    const c = make_context('sub');
    const m = store('t', 'x', 2);
    expect(db__message_insert(c, 7, mosq_md_out, 2, true, m, null, true)).toBe(0);
    expect(calls.publish).toEqual([{ id: 'sub', mid: 7, topic: 't', qos: 2, retain: true, dup: false, expiry: 0 }]);
    expect(c.msgs_out.inflight!.state).toBe(mosq_ms_wait_for_pubrec);
    expect(c.msgs_out.inflight!.dup).toBe(true);
    /* A retained copy does not count as delivered for the duplicate check. */
    expect(m.dest_ids).toBeNull();
  });

  it('removes QoS 0 messages once written', () => {
    const c = make_context('sub');
    const m = store('t', 'x', 0);
    db__msg_store_ref_inc(m); /* as sub__messages_queue holds it while delivering */
    expect(db__message_insert(c, 0, mosq_md_out, 0, false, m, null, true)).toBe(0);
    expect(calls.publish.length).toBe(1);
    expect(c.msgs_out.inflight).toBeNull();
    expect(counts(c.msgs_out)).toEqual([0, 0, 0, 0]);
    expect(m.ref_count).toBe(1);
  });

  it('downgrades to the client\'s maximum QoS but counts by the message QoS', () => {
    const c = make_context('sub', { max_qos: 1 });
    db__message_insert(c, 1, mosq_md_out, 2, false, store('t', 'x', 2), null, false);
    expect(c.msgs_out.inflight!.qos).toBe(1);
    expect(c.msgs_out.msg_count12).toBe(1);
  });

  it('sends a message only once to an MQTT 3.1.1 client unless duplicates are allowed', () => {
    const c = make_context('sub');
    const m = store('t', 'x');
    expect(db__message_insert(c, 1, mosq_md_out, 1, false, m, null, false)).toBe(0);
    expect(db__message_insert(c, 2, mosq_md_out, 1, false, m, null, false)).toBe(MOSQ_ERR_SUCCESS);
    expect(mids(c.msgs_out.inflight)).toEqual([1]);

    const v5 = make_context('v5', { protocol: mosq_p_mqtt5 });
    db__message_insert(v5, 1, mosq_md_out, 1, false, m, null, false);
    db__message_insert(v5, 2, mosq_md_out, 1, false, m, null, false);
    expect(mids(v5.msgs_out.inflight)).toEqual([1, 2]);
    expect(m.ref_count).toBe(3);
    expect(m.dest_ids).toEqual(['sub', 'v5', 'v5']);
  });

  it('does nothing for a context without an id', () => {
    const c = make_context('x');
    c.id = null;
    expect(db__message_insert(c, 1, mosq_md_out, 1, false, store('t', 'x'), null, false)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.msgs_out.inflight).toBeNull();
  });

  it('queues QoS>0 for an offline client and drops QoS 0 unless queue_qos0_messages', () => {
    const c = make_context('away', { online: false, clean_start: false });
    expect(db__message_insert(c, 1, mosq_md_out, 0, false, store('t', 'x', 0), null, true)).toBe(2);
    expect(db__message_insert(c, 2, mosq_md_out, 1, false, store('t', 'y'), null, true)).toBe(0);
    expect(mids(c.msgs_out.queued)).toEqual([2]);
    expect(c.msgs_out.inflight).toBeNull();
    expect(calls.publish).toEqual([]);

    db.config!.queue_qos0_messages = true;
    db__message_insert(c, 3, mosq_md_out, 0, false, store('t', 'z', 0), null, true);
    expect(mids(c.msgs_out.queued)).toEqual([2, 3]);
    expect(counts(c.msgs_out)).toEqual([2, 1, 2, 1]);
  });

  it('drops when max_queued_messages is reached, counting drops and logging once', () => {
    reset_db({ max_queued_messages: 2 });
    const c = make_context('away', { online: false });
    for (let mid = 1; mid <= 4; mid++) {
      db__message_insert(c, mid, mosq_md_out, 1, false, store('t', 'x'), null, false);
    }
    expect(mids(c.msgs_out.queued)).toEqual([1, 2]);
    expect(g.g_msgs_dropped).toBe(2);
    expect(c.is_dropping).toBe(true);
    expect(calls.logs).toEqual([{ priority: MOSQ_LOG_NOTICE, msg: 'Outgoing messages are being dropped for client away.' }]);
    /* The dropped messages are held by nobody. */
    db__msg_store_compact();
    expect(db.msg_store_count).toBe(2);
  });

  it('drops when max_queued_bytes is reached for an online client with a full window', () => {
    reset_db({ max_inflight_messages: 1, max_queued_messages: 0, max_queued_bytes: 5 });
    const c = make_context('c');
    expect(db__message_insert(c, 1, mosq_md_out, 1, false, store('t', 'aaaa'), null, false)).toBe(0);
    expect(db__message_insert(c, 2, mosq_md_out, 1, false, store('t', 'bbbb'), null, false)).toBe(2);
    expect(db__message_insert(c, 3, mosq_md_out, 1, false, store('t', 'cc'), null, false)).toBe(2);
    expect(mids(c.msgs_out.inflight)).toEqual([1]);
    expect(mids(c.msgs_out.queued)).toEqual([2]);
    expect(g.g_msgs_dropped).toBe(1);
  });

  it('keeps incoming QoS 2 waiting for PUBREL and refuses to keep QoS 1', () => {
    const c = make_context('pub');
    const m = store('t', 'x', 2, c);
    expect(db__message_insert(c, 5, mosq_md_in, 2, false, m, null, false)).toBe(0);
    expect(c.msgs_in.inflight!.state).toBe(mosq_ms_wait_for_pubrel);
    expect(db__message_insert(c, 6, mosq_md_in, 1, false, store('t', 'y', 1, c), null, false)).toBe(1);
    expect(mids(c.msgs_in.inflight)).toEqual([5]);
    /* Incoming messages do not use the send quota. */
    expect(c.msgs_out.inflight_quota).toBe(20);
  });
});

describe('acknowledgements', () => {
  it('on PUBACK frees the slot and sends the next queued message', () => {
    reset_db({ max_inflight_messages: 1 });
    const c = make_context('sub');
    const a = store('t', 'a');
    const b = store('t', 'b');
    db__message_insert(c, 1, mosq_md_out, 1, false, a, null, true);
    db__message_insert(c, 2, mosq_md_out, 1, false, b, null, true);
    expect(calls.publish.map((p) => p.mid)).toEqual([1]);
    expect(mids(c.msgs_out.queued)).toEqual([2]);

    c.msgs_out.inflight_quota++; /* as handle__pubackcomp does first */
    expect(db__message_delete_outgoing(c, 1, mosq_ms_wait_for_pubcomp, 1)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.publish.map((p) => p.mid)).toEqual([1, 2]);
    expect(mids(c.msgs_out.inflight)).toEqual([2]);
    expect(c.msgs_out.inflight!.state).toBe(mosq_ms_wait_for_puback);
    expect(c.msgs_out.queued).toBeNull();
    expect(counts(c.msgs_out)).toEqual([1, 1, 1, 1]);
    expect(store_ids()).toEqual([2]);
  });

  it('rejects an acknowledgement of the wrong QoS or state', () => {
    const c = make_context('sub');
    db__message_insert(c, 1, mosq_md_out, 2, false, store('t', 'a', 2), null, true);
    expect(db__message_delete_outgoing(c, 1, mosq_ms_wait_for_pubcomp, 1)).toBe(MOSQ_ERR_PROTOCOL);
    expect(db__message_delete_outgoing(c, 1, mosq_ms_wait_for_pubcomp, 2)).toBe(MOSQ_ERR_PROTOCOL);
    expect(db__message_update_outgoing(c, 1, mosq_ms_wait_for_pubcomp, 1)).toBe(MOSQ_ERR_PROTOCOL);
    expect(db__message_update_outgoing(c, 9, mosq_ms_wait_for_pubcomp, 2)).toBe(MOSQ_ERR_NOT_FOUND);
    db.now_s += 5;
    expect(db__message_update_outgoing(c, 1, mosq_ms_wait_for_pubcomp, 2)).toBe(MOSQ_ERR_SUCCESS);
    expect([c.msgs_out.inflight!.state, c.msgs_out.inflight!.timestamp]).toEqual([mosq_ms_wait_for_pubcomp, db.now_s]);
    expect(db__message_delete_outgoing(c, 1, mosq_ms_wait_for_pubcomp, 2)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.msgs_out.inflight).toBeNull();
  });

  it('releases an incoming QoS 2 message to subscribers on PUBREL and accepts the next queued one', () => {
    reset_db({ max_inflight_messages: 2 });
    const c = make_context('pub');
    const a = store('t/a', 'a', 2, c);
    a.source_mid = 10;
    const b = store('t/b', 'b', 2, c);
    b.source_mid = 11;
    expect(db__message_insert(c, 10, mosq_md_in, 2, false, a, null, false)).toBe(0);
    c.msgs_in.inflight_quota = 0; /* the receive window is full */
    expect(db__message_insert(c, 11, mosq_md_in, 2, false, b, null, false)).toBe(2);
    expect(mids(c.msgs_in.queued)).toEqual([11]);
    expect(db__message_store_find(c, 11)).toEqual({ rc: MOSQ_ERR_SUCCESS, stored: b });
    expect(db__message_store_find(c, 12)).toEqual({ rc: 1, stored: null });

    calls.queue_rc = MOSQ_ERR_NO_SUBSCRIBERS;
    expect(db__message_release_incoming(c, 10)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.queued).toEqual([{ source_id: 'pub', topic: 't/a', qos: 2, retain: false, stored: a }]);
    expect(calls.pubrec).toEqual([{ id: 'pub', mid: 11 }]);
    expect(mids(c.msgs_in.inflight)).toEqual([11]);
    expect(c.msgs_in.inflight!.state).toBe(mosq_ms_wait_for_pubrel);
    expect(db__message_release_incoming(c, 10)).toBe(MOSQ_ERR_NOT_FOUND);

    calls.queue_rc = 1;
    expect(db__message_release_incoming(c, 11)).toBe(1);
    expect(mids(c.msgs_in.inflight)).toEqual([11]);
  });

  it('removes an incoming QoS 2 message without delivering it', () => {
    const c = make_context('pub');
    db__message_insert(c, 3, mosq_md_in, 2, false, store('t', 'a', 2, c), null, false);
    expect(db__message_remove_incoming(c, 4)).toBe(MOSQ_ERR_NOT_FOUND);
    expect(db__message_remove_incoming(c, 3)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.msgs_in.inflight).toBeNull();
    expect(counts(c.msgs_in)).toEqual([0, 0, 0, 0]);
    expect(db.msg_store).toBeNull();
  });
});

describe('writing in-flight messages', () => {
  it('drops expired messages and sends the remaining expiry interval', () => {
    const c = make_context('sub');
    c.state = mosq_cs_new; /* not active yet: nothing is written on insert */
    const old = store('t', 'old', 1, null, 10);
    const fresh = store('t', 'new', 1, null, 100);
    db__message_insert(c, 1, mosq_md_out, 1, false, old, null, true);
    db__message_insert(c, 2, mosq_md_out, 1, false, fresh, null, true);
    expect(c.msgs_out.inflight_quota).toBe(18);
    c.state = mosq_cs_active;
    db.now_real_s += 30;
    expect(db__message_write_inflight_out_all(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.publish).toEqual([{ id: 'sub', mid: 2, topic: 't', qos: 1, retain: false, dup: false, expiry: 70 }]);
    expect(mids(c.msgs_out.inflight)).toEqual([2]);
    expect(c.msgs_out.inflight_quota).toBe(19);
    expect(store_ids()).toEqual([2]);
  });

  it('drops a message too large for the client', () => {
    const c = make_context('sub');
    calls.publish_rc = MOSQ_ERR_OVERSIZE_PACKET;
    expect(db__message_insert(c, 1, mosq_md_out, 1, false, store('t', 'big'), null, true)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.msgs_out.inflight).toBeNull();
    expect(db.msg_store).toBeNull();
  });

  it('writes only the messages at the end still waiting to be published', () => {
    const c = make_context('sub');
    c.state = mosq_cs_new;
    for (let mid = 1; mid <= 4; mid++) {
      db__message_insert(c, mid, mosq_md_out, 1, false, store('t', `${mid}`), null, false);
    }
    const l = list(c.msgs_out.inflight);
    l[0].state = mosq_ms_wait_for_puback;
    l[1].state = mosq_ms_wait_for_puback;
    c.state = mosq_cs_active;
    expect(db__message_write_inflight_out_latest(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.publish.map((p) => p.mid)).toEqual([3, 4]);
  });

  it('writes nothing for an offline client', () => {
    const c = make_context('sub', { online: false });
    db__message_insert(c, 1, mosq_md_out, 1, false, store('t', 'x'), null, false);
    expect(db__message_write_inflight_out_all(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(db__message_write_inflight_out_latest(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.publish).toEqual([]);
  });

  it('moves queued messages into flight while quota lasts', () => {
    const c = make_context('sub', { online: false });
    for (let mid = 1; mid <= 3; mid++) {
      db__message_insert(c, mid, mosq_md_out, 2, false, store('t', 'x', 2), null, false);
    }
    c.msgs_out.inflight_quota = 2;
    expect(db__message_write_queued_out(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.msgs_out.inflight).toBeNull(); /* still disconnected */
    c.state = mosq_cs_active;
    expect(db__message_write_queued_out(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(mids(c.msgs_out.inflight)).toEqual([1, 2]);
    expect(list(c.msgs_out.inflight).map((m) => m.state)).toEqual([mosq_ms_publish_qos2, mosq_ms_publish_qos2]);
    expect(mids(c.msgs_out.queued)).toEqual([3]);
    expect(c.msgs_out.inflight_quota).toBe(0);
  });

  it('dequeues the head of the queue to the tail of the in-flight list', () => {
    const c = make_context('sub', { online: false });
    db__message_insert(c, 1, mosq_md_out, 1, false, store('t', 'x'), null, false);
    db__message_insert(c, 2, mosq_md_out, 1, false, store('t', 'x'), null, false);
    db__message_dequeue_first(c, c.msgs_out);
    expect([mids(c.msgs_out.inflight), mids(c.msgs_out.queued)]).toEqual([[1], [2]]);
  });

  it('accepts queued incoming QoS 2 messages with PUBREC', () => {
    const c = make_context('pub');
    c.msgs_in.inflight_quota = 0;
    db__message_insert(c, 4, mosq_md_in, 2, false, store('t', 'x', 2, c), null, false);
    expect(mids(c.msgs_in.queued)).toEqual([4]);
    expect(db__message_write_queued_in(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.pubrec).toEqual([]);
    c.msgs_in.inflight_quota = 1;
    expect(db__message_write_queued_in(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.pubrec).toEqual([{ id: 'pub', mid: 4 }]);
    expect(c.msgs_in.inflight!.state).toBe(mosq_ms_wait_for_pubrel);
  });
});

describe('sessions', () => {
  it('resets a resumed session so every message is retried in order', () => {
    reset_db({ max_inflight_messages: 3 });
    const c = make_context('sub', { online: false, clean_start: false });
    db__message_insert(c, 1, mosq_md_out, 1, false, store('t', 'a'), null, false);
    db__message_insert(c, 2, mosq_md_out, 2, false, store('t', 'b', 2), null, false);
    db__message_insert(c, 3, mosq_md_out, 2, false, store('t', 'c', 2), null, false);
    db__message_insert(c, 4, mosq_md_out, 1, false, store('t', 'd'), null, false);
    /* Pretend the first two were in flight when the client left. */
    db__message_dequeue_first(c, c.msgs_out);
    db__message_dequeue_first(c, c.msgs_out);
    const [m1, m2] = list(c.msgs_out.inflight);
    m1.state = mosq_ms_wait_for_puback;
    m2.state = mosq_ms_wait_for_pubcomp;
    c.msgs_out.msg_count = 99;

    const pub = make_context('sub-in', { online: false });
    db__message_insert(pub, 7, mosq_md_in, 2, false, store('t', 'q2', 2, pub), null, false);

    expect(db__message_reconnect_reset(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(list(c.msgs_out.inflight).map((m) => [m.mid, m.state])).toEqual([
      [1, mosq_ms_publish_qos1], [2, mosq_ms_resend_pubrel], [3, mosq_ms_publish_qos2]]);
    expect(mids(c.msgs_out.queued)).toEqual([4]);
    expect(counts(c.msgs_out)).toEqual([4, 4, 4, 4]);
    expect(c.msgs_out.inflight_quota).toBe(0);

    c.state = mosq_cs_active;
    c.sock = make_context('x').sock;
    db__message_write_inflight_out_all(c);
    expect(calls.publish.map((p) => p.mid)).toEqual([1, 3]);
    expect(calls.pubrel).toEqual([{ id: 'sub', mid: 2 }]);
    expect(m2.state).toBe(mosq_ms_wait_for_pubcomp);
  });

  it('forgets incoming QoS 0/1 messages on reconnect but keeps QoS 2 ones', () => {
    const c = make_context('pub');
    db__message_insert(c, 1, mosq_md_in, 2, false, store('t', 'a', 2, c), null, false);
    const m = store('t', 'b', 1, c);
    db__message_insert(c, 2, mosq_md_in, 2, false, m, null, false);
    c.msgs_in.inflight!.next!.qos = 1;
    expect(db__message_reconnect_reset(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(mids(c.msgs_in.inflight)).toEqual([1]);
    expect(counts(c.msgs_in)).toEqual([1, 1, 1, 1]);
  });

  it('deletes messages at the end of a clean session and keeps those of a persistent one', () => {
    const keep = make_context('keep', { online: false, clean_start: false });
    const clean = make_context('clean', { online: false });
    const m = store('t', 'x');
    db__message_insert(keep, 1, mosq_md_out, 1, false, m, null, false);
    db__message_insert(clean, 1, mosq_md_out, 1, false, m, null, false);
    db__message_insert(clean, 2, mosq_md_in, 2, false, store('t', 'y', 2, clean), null, false);
    expect(m.ref_count).toBe(2);

    db__messages_delete(keep, false);
    db__messages_delete(clean, false);
    expect(mids(keep.msgs_out.queued)).toEqual([1]);
    expect([clean.msgs_out.queued, clean.msgs_in.queued, clean.msgs_in.inflight]).toEqual([null, null, null]);
    expect([counts(clean.msgs_out), counts(clean.msgs_in)]).toEqual([[0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(m.ref_count).toBe(1);
    expect(db.msg_store_count).toBe(1);

    db__messages_delete(keep, true);
    expect(keep.msgs_out.queued).toBeNull();
    expect(db.msg_store).toBeNull();
  });
});

describe('db__messages_easy_queue', () => {
  it('stores a broker message and hands it to the subscribers', () => {
    const payload = Buffer.from('will!');
    expect(db__messages_easy_queue(null, '$SYS/x', 1, 5, payload, true, 30, null)).toBe(MOSQ_ERR_SUCCESS);
    payload.fill(0);
    const stored = db.msg_store!;
    expect([stored.topic, stored.payload.toString(), stored.qos, stored.retain, stored.origin, stored.source_id])
      .toEqual(['$SYS/x', 'will!', 1, true, mosq_mo_broker, '']);
    expect(stored.message_expiry_time).toBe(db.now_real_s + 30);
    expect(calls.queued).toEqual([{ source_id: '', topic: '$SYS/x', qos: 1, retain: true, stored }]);

    db.config!.retain_available = false;
    const c = make_context('gone');
    db__messages_easy_queue(c, 'w', 0, 0, null, true, 0, null);
    expect(calls.queued[1]).toMatchObject({ source_id: 'gone', topic: 'w', retain: false });
    expect(db.msg_store!.origin).toBe(mosq_mo_client);
  });
});
