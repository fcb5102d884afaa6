import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_QOS_NOT_SUPPORTED,
  MOSQ_ERR_RETAIN_NOT_SUPPORTED,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TOPIC_ALIAS_INVALID,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_WARNING,
} from '../../../src/include/mosquitto.js';
import {
  CMD_PUBLISH,
  MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
  MQTT_PROP_TOPIC_ALIAS,
  MQTT_PROP_USER_PROPERTY,
} from '../../../src/include/mqtt_protocol.js';
import { mosq_cs_new, mosq_ms_wait_for_pubrel, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto_msg_store } from '../../../src/broker/mosquitto_broker_internal.js';
import { g } from '../../../src/broker/sys_tree.js';
import { make_context, reset_db, set_in_packet, socket_bytes } from '../helpers/context.js';

const calls = vi.hoisted(() => ({
  acl_rc: 0,
  acl: [] as { topic: string; payload: string; qos: number; retain: boolean; access: number }[],
  queued: [] as { source_id: string | null; topic: string; qos: number; retain: boolean; payload: string; props: number[]; expiry: number }[],
  queue_rc: 0,
  control: [] as string[],
  logs: [] as { priority: number; msg: string }[],
}));

vi.mock('../../../src/broker/security.js', () => ({
  mosquitto_acl_check: (_c: mosquitto, topic: string, _len: number, payload: Buffer | null, qos: number, retain: boolean, access: number) => {
    calls.acl.push({ topic, payload: payload ? payload.toString() : '', qos, retain, access });
    return calls.acl_rc;
  },
}));
vi.mock('../../../src/broker/plugin.js', () => ({
  plugin__handle_message: () => 0,
}));
vi.mock('../../../src/broker/control.js', () => ({
  control__process: (_c: mosquitto, stored: mosquitto_msg_store) => { calls.control.push(stored.topic!); return 0; },
}));
vi.mock('../../../src/broker/subs.js', () => ({
  sub__add_hier_entry: () => null,
  sub__messages_queue: (source_id: string | null, topic: string, qos: number, retain: boolean, stored: mosquitto_msg_store) => {
    calls.queued.push({
      source_id, topic, qos, retain,
      payload: stored.payload.toString(),
      props: (stored.properties ?? []).map((p) => p.identifier),
      expiry: stored.message_expiry_time,
    });
    return calls.queue_rc;
  },
}));
vi.mock('../../../src/broker/retain.js', () => ({ retain__init: () => 0, retain__clean: () => undefined }));
vi.mock('../../../src/broker/read_handle.js', () => ({ handle__packet: () => 0 }));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string) => { calls.logs.push({ priority, msg }); return 0; },
}));

const { handle__publish } = await import('../../../src/broker/handle_publish.js');

/** A PUBLISH body: topic, packet id when QoS>0, MQTT 5 properties when given, payload. */
function body(topic: string, mid: number | null, payload: string, props: Buffer | null = null): Buffer {
  const t = Buffer.from(topic);
  const parts = [Buffer.from([t.length >> 8, t.length & 0xff]), t];
  if (mid !== null) parts.push(Buffer.from([mid >> 8, mid & 0xff]));
  if (props) parts.push(Buffer.from([props.length]), props);
  parts.push(Buffer.from(payload));
  return Buffer.concat(parts);
}

function publish(c: mosquitto, flags: number, b: Buffer): number {
  set_in_packet(c, CMD_PUBLISH | flags, b);
  return handle__publish(c);
}

function sent(c: ReturnType<typeof make_context>): string {
  return socket_bytes(c.fake!).toString('hex');
}

beforeEach(() => {
  reset_db();
  calls.acl_rc = 0;
  calls.acl = [];
  calls.queued = [];
  calls.queue_rc = 0;
  calls.control = [];
  calls.logs = [];
  g.g_pub_bytes_received = 0;
});

describe('handle__publish', () => {
  it('stores a QoS 0 message and hands it to the subscribers', () => {
    const c = make_context('pub');
    expect(publish(c, 0x01, body('a/b', null, 'hello'))).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.acl).toEqual([{ topic: 'a/b', payload: 'hello', qos: 0, retain: true, access: 2 }]);
    expect(calls.queued).toEqual([{ source_id: 'pub', topic: 'a/b', qos: 0, retain: true, payload: 'hello', props: [], expiry: 0 }]);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: "Received PUBLISH from pub (d0, q0, r1, m0, 'a/b', ... (5 bytes))" });
    expect(g.g_pub_bytes_received).toBe(5);
    expect(sent(c)).toBe('');
  });

  it('answers QoS 1 with PUBACK, and under MQTT 5 says when nobody subscribed', () => {
    const c = make_context('pub');
    expect(publish(c, 0x02, body('t', 0x1234, 'x'))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('40021234');

    const v5 = make_context('v5', { protocol: mosq_p_mqtt5 });
    calls.queue_rc = MOSQ_ERR_NO_SUBSCRIBERS;
    expect(publish(v5, 0x02, body('t', 7, 'x', Buffer.alloc(0)))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(v5)).toBe('4003000710');
    /* A 3.1.1 client gets a plain PUBACK either way. */
    expect(publish(c, 0x02, body('t', 8, 'x'))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('400212344002' + '0008');
  });

  it('keeps QoS 2 waiting for PUBREL, and treats a resend as a duplicate', () => {
    const c = make_context('pub');
    expect(publish(c, 0x04, body('t', 5, 'x'))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('50020005');
    expect(calls.queued).toEqual([]);
    expect(c.msgs_in.inflight!.state).toBe(mosq_ms_wait_for_pubrel);
    expect(db.msg_store_count).toBe(1);

    expect(publish(c, 0x0c, body('t', 5, 'x'))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('50020005' + '50020005');
    expect(db.msg_store_count).toBe(1);
    expect(c.msgs_in.msg_count).toBe(1);
  });

  it('replaces a stored QoS 2 message whose id is reused for a different message', () => {
    const c = make_context('pub');
    publish(c, 0x04, body('t', 5, 'one'));
    expect(publish(c, 0x04, body('t', 5, 'two'))).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_WARNING, msg: 'Reused message ID 5 from pub detected. Clearing from storage.' });
    expect(c.msgs_in.inflight!.store.payload.toString()).toBe('two');
    expect(c.msgs_in.msg_count).toBe(1);
    expect(db.msg_store_count).toBe(1);
  });

  it('refuses a message over the receive quota with QUOTA_EXCEEDED', () => {
    reset_db({ max_queued_messages: 1 });
    const c = make_context('pub', { protocol: mosq_p_mqtt5 });
    c.msgs_in.inflight_quota = 0;
    c.msgs_in.msg_count12 = 21;
    expect(publish(c, 0x02, body('t', 9, 'x', Buffer.alloc(0)))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('4003000997');
    expect(calls.queued).toEqual([]);
    expect(db.msg_store_count).toBe(0);
  });

  it('acknowledges a denied message with NOT_AUTHORIZED and drops it', () => {
    calls.acl_rc = MOSQ_ERR_ACL_DENIED;
    const c = make_context('pub', { protocol: mosq_p_mqtt5 });
    expect(publish(c, 0x04, body('secret', 3, 'x', Buffer.alloc(0)))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('5003000387');
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: "Denied PUBLISH from pub (d0, q2, r0, m3, 'secret', ... (1 bytes))" });
    expect(calls.queued).toEqual([]);
    /* QoS 0: nothing to answer. */
    expect(publish(c, 0, body('secret', null, 'x', Buffer.alloc(0)))).toBe(MOSQ_ERR_SUCCESS);
  });

  it('refuses a payload over message_size_limit with PACKET_TOO_LARGE', () => {
    reset_db({ message_size_limit: 3 });
    const c = make_context('pub', { protocol: mosq_p_mqtt5 });
    expect(publish(c, 0x02, body('t', 1, 'four', Buffer.alloc(0)))).toBe(MOSQ_ERR_SUCCESS);
    expect(sent(c)).toBe('4003000195');
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: "Dropped too large PUBLISH from pub (d0, q1, r0, m1, 't', ... (4 bytes))" });
    expect(calls.acl).toEqual([]);
  });

  it('prefixes the listener mount point', () => {
    const c = make_context('pub');
    c.listener!.mount_point = 'mnt/';
    publish(c, 0, body('a', null, ''));
    expect(calls.queued[0]).toMatchObject({ topic: 'mnt/a', payload: '' });
  });

  it('resolves topic aliases and keeps only the message properties', () => {
    const c = make_context('pub', { protocol: mosq_p_mqtt5 });
    const props = Buffer.from([
      MQTT_PROP_TOPIC_ALIAS, 0, 2,
      MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 0, 0, 0, 60,
      MQTT_PROP_USER_PROPERTY, 0, 1, 0x6b, 0, 1, 0x76,
    ]);
    expect(publish(c, 0, body('long/topic', null, 'a', props))).toBe(MOSQ_ERR_SUCCESS);
    expect(publish(c, 0, body('', null, 'b', Buffer.from([MQTT_PROP_TOPIC_ALIAS, 0, 2])))).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.queued.map((q) => [q.topic, q.payload, q.props, q.expiry])).toEqual([
      ['long/topic', 'a', [MQTT_PROP_USER_PROPERTY], db.now_real_s + 60],
      ['long/topic', 'b', [], 0],
    ]);
    expect(publish(c, 0, body('', null, 'c', Buffer.from([MQTT_PROP_TOPIC_ALIAS, 0, 3])))).toBe(MOSQ_ERR_PROTOCOL);
    expect(publish(c, 0, body('x', null, 'c', Buffer.from([MQTT_PROP_TOPIC_ALIAS, 0, 11])))).toBe(MOSQ_ERR_TOPIC_ALIAS_INVALID);
    /* Alias 0 is already refused by property__read_all, which makes the packet malformed. */
    expect(publish(c, 0, body('x', null, 'c', Buffer.from([MQTT_PROP_TOPIC_ALIAS, 0, 0])))).toBe(MOSQ_ERR_MALFORMED_PACKET);
  });

  it('sends $CONTROL topics to control__process only', () => {
    const c = make_context('pub');
    expect(publish(c, 0x02, body('$CONTROL/x/v1', 4, '{}'))).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.control).toEqual(['$CONTROL/x/v1']);
    expect(calls.queued).toEqual([]);
  });

  it('rejects protocol violations with the error that closes the connection', () => {
    const c = make_context('pub', { max_qos: 1 });
    expect(publish(c, 0x06, body('t', 1, 'x'))).toBe(MOSQ_ERR_MALFORMED_PACKET);
    expect(publish(c, 0x04, body('t', 1, 'x'))).toBe(MOSQ_ERR_QOS_NOT_SUPPORTED);
    expect(publish(c, 0x02, body('t', 0, 'x'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(publish(c, 0x00, body('', null, 'x'))).toBe(MOSQ_ERR_MALFORMED_PACKET);
    expect(publish(c, 0x00, body('a/+', null, 'x'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(publish(c, 0x02, Buffer.from([0, 1, 0x61, 0]))).toBe(MOSQ_ERR_MALFORMED_PACKET);
    db.config!.retain_available = false;
    expect(publish(c, 0x01, body('t', null, 'x'))).toBe(MOSQ_ERR_RETAIN_NOT_SUPPORTED);
    c.state = mosq_cs_new;
    expect(publish(c, 0x00, body('t', null, 'x'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(calls.queued).toEqual([]);
    expect(sent(c as ReturnType<typeof make_context>)).toBe('');
  });
});
