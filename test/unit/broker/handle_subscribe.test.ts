/*
 * SUBSCRIBE end to end from the packet body: the SUBACK bytes written to the client, the errors
 * that end the connection, the log lines, and which retained messages follow.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db__messages_easy_queue, db__open } from '../../../src/broker/database.js';
import { handle__subscribe } from '../../../src/broker/handle_subscribe.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__subhier } from '../../../src/broker/mosquitto_broker_internal.js';
import { MOSQ_ACL_SUBSCRIBE } from '../../../src/include/mosquitto_plugin.js';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_INFO,
  MOSQ_LOG_SUBSCRIBE,
} from '../../../src/include/mosquitto.js';
import { CMD_SUBSCRIBE } from '../../../src/include/mqtt_protocol.js';
import { mosq_cs_new, mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, make_listener, reset_db, set_in_packet } from '../helpers/context.js';
import type { fake_socket } from '../helpers/context.js';
import { packets, set_acl, str, subscribe_body, u16, varint } from '../helpers/subs.js';

const logs = vi.hoisted(() => [] as { priority: number; msg: string }[]);
vi.mock('../../../src/broker/logging.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  log__printf: (_mosq: unknown, priority: number, msg: string) => {
    logs.push({ priority, msg });
    return 0;
  },
}));

type client = mosquitto & { fake: fake_socket | null };

function client(id: string, protocol = mosq_p_mqtt311): client {
  return make_context(id, { protocol });
}

function subscribe(c: client, body: Buffer, command = CMD_SUBSCRIBE | 2): number {
  set_in_packet(c, command, body);
  return handle__subscribe(c);
}

/** Topic and subscription identifier of a PUBLISH as written to an MQTT 5 client. */
function parse_publish(p: Buffer, v5: boolean): { topic: string; qos: number; retain: boolean; identifier: number } {
  expect(p[0] & 0xf0).toBe(0x30);
  const qos = (p[0] >> 1) & 3;
  let pos = 1;
  while (p[pos] & 0x80) pos++;
  pos++;
  const tlen = p.readUInt16BE(pos);
  const topic = p.subarray(pos + 2, pos + 2 + tlen).toString();
  pos += 2 + tlen + (qos > 0 ? 2 : 0);
  let identifier = 0;
  if (v5) {
    const plen = p[pos++];
    const end = pos + plen;
    while (pos < end) {
      const id = p[pos++];
      if (id === 11) {
        identifier = p[pos++];
      } else {
        throw new Error(`unexpected property ${id}`);
      }
    }
  }
  return { topic, qos, retain: (p[0] & 1) === 1, identifier };
}

function node(...levels: string[]): mosquitto__subhier | undefined {
  let hier = db.subs!.children.get('');
  for (const level of levels) hier = hier?.children.get(level);
  return hier;
}

function retain(topic: string, payload: string, qos = 0): void {
  const buf = Buffer.from(payload);
  db__messages_easy_queue(null, topic, qos, buf.length, buf, true, 0, null);
}

beforeEach(() => {
  reset_db();
  db__open(db.config);
  set_acl(db.config!.security_options);
  logs.length = 0;
});

describe('handle__subscribe', () => {
  it('subscribes every filter and answers with the granted QoS list (MQTT 3.1.1)', () => {
    const c = client('c');
    expect(subscribe(c, subscribe_body(0x1234, [['a/b', 1], ['c/#', 2], ['d', 0]]))).toBe(MOSQ_ERR_SUCCESS);
    expect(packets(c)).toEqual([Buffer.from([0x90, 5, 0x12, 0x34, 1, 2, 0])]);
    expect(node('', 'a', 'b')!.subs).toMatchObject({ context: c, qos: 1, identifier: 0, no_local: false });
    expect(node('', 'c', '#')!.subs!.qos).toBe(2);
    expect(db.subscription_count).toBe(3);
    expect(logs).toEqual([
      { priority: MOSQ_LOG_DEBUG, msg: 'Received SUBSCRIBE from c' },
      { priority: MOSQ_LOG_DEBUG, msg: '\ta/b (QoS 1)' },
      { priority: MOSQ_LOG_SUBSCRIBE, msg: 'c 1 a/b' },
      { priority: MOSQ_LOG_DEBUG, msg: '\tc/# (QoS 2)' },
      { priority: MOSQ_LOG_SUBSCRIBE, msg: 'c 2 c/#' },
      { priority: MOSQ_LOG_DEBUG, msg: '\td (QoS 0)' },
      { priority: MOSQ_LOG_SUBSCRIBE, msg: 'c 0 d' },
      { priority: MOSQ_LOG_DEBUG, msg: 'Sending SUBACK to c' },
    ]);
  });

  it('answers MQTT 5 with an empty property list and stores identifier and options', () => {
    const c = client('c', mosq_p_mqtt5);
    const props = Buffer.from([0x0b, ...varint(300)]);
    expect(subscribe(c, subscribe_body(7, [['x', 0x04 | 0x08 | 1], ['y', 2]], props))).toBe(MOSQ_ERR_SUCCESS);
    expect(packets(c)).toEqual([Buffer.from([0x90, 5, 0, 7, 0, 1, 2])]);
    expect(node('', 'x')!.subs).toMatchObject({ qos: 1, identifier: 300, no_local: true, retain_as_published: true });
    expect(node('', 'y')!.subs).toMatchObject({ qos: 2, identifier: 300, no_local: false, retain_as_published: false });
  });

  it('caps the granted QoS at the client maximum', () => {
    const c = client('c');
    c.max_qos = 1;
    subscribe(c, subscribe_body(1, [['t', 2]]));
    expect(packets(c)).toEqual([Buffer.from([0x90, 3, 0, 1, 1])]);
    expect(node('', 't')!.subs!.qos).toBe(1);
  });

  it('prefixes the listener mount point', () => {
    const c = client('c');
    c.listener = make_listener({ mount_point: 'mp/' });
    subscribe(c, subscribe_body(1, [['t/#', 0]]));
    expect(node('', 'mp', 't', '#')!.subs!.context).toBe(c);
    expect(logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: '\tmp/t/# (QoS 0)' });
    expect(logs).toContainEqual({ priority: MOSQ_LOG_SUBSCRIBE, msg: 'c 0 mp/t/#' });
  });

  it('makes an MQTT 3.1.1 bridge subscription no-local and retain-as-published', () => {
    const c = client('bridge');
    c.is_bridge = true;
    subscribe(c, subscribe_body(1, [['t', 1]]));
    expect(node('', 't')!.subs).toMatchObject({ qos: 1, no_local: true, retain_as_published: true });
  });

  it('refuses a client that is not yet connected', () => {
    const c = client('c');
    c.state = mosq_cs_new;
    expect(subscribe(c, subscribe_body(1, [['t', 0]]))).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('rejects malformed packets', () => {
    const cases: [number, Buffer, number?][] = [
      [mosq_p_mqtt311, subscribe_body(1, [['t', 0]]), CMD_SUBSCRIBE], /* header flags must be 0010 */
      [mosq_p_mqtt311, subscribe_body(0, [['t', 0]])], /* message id 0 */
      [mosq_p_mqtt311, Buffer.from([0])], /* truncated message id */
      [mosq_p_mqtt311, subscribe_body(1, [])], /* no filters */
      [mosq_p_mqtt311, Buffer.concat([u16(1), str('t')])], /* no options byte */
      [mosq_p_mqtt311, subscribe_body(1, [['t', 3]])], /* QoS 3 */
      [mosq_p_mqtt311, subscribe_body(1, [['t', 0x04]])], /* option bits are QoS to 3.1.1 */
      [mosq_p_mqtt311, subscribe_body(1, [['a/#/b', 0]])], /* bad filter */
      [mosq_p_mqtt5, subscribe_body(1, [['t', 0x30]], Buffer.alloc(0))], /* retain handling 3 */
      [mosq_p_mqtt5, subscribe_body(1, [['t', 0x40]], Buffer.alloc(0))], /* reserved bits */
      [mosq_p_mqtt5, subscribe_body(1, [['t', 0x03]], Buffer.alloc(0))], /* QoS 3 */
      [mosq_p_mqtt5, subscribe_body(1, [['t', 0]], Buffer.from([0x0b, 0]))], /* identifier 0 */
      [mosq_p_mqtt5, subscribe_body(1, [['t', 0]], Buffer.from([0x01, 0]))], /* property not for SUBSCRIBE */
    ];
    for (const [protocol, body, command] of cases) {
      const c = client('c', protocol);
      expect(subscribe(c, body, command)).toBe(MOSQ_ERR_MALFORMED_PACKET);
      expect(packets(c)).toEqual([]);
    }
    expect(db.subscription_count).toBe(0);
  });

  it('logs why it disconnects a bad filter or QoS', () => {
    subscribe(client('c'), subscribe_body(1, [['a/#/b', 0]]));
    subscribe(client('c'), subscribe_body(1, [['t', 3]]));
    expect(logs.filter((l) => l.priority === MOSQ_LOG_INFO)).toEqual([
      { priority: MOSQ_LOG_INFO, msg: 'Invalid subscription string from 127.0.0.1, disconnecting.' },
      { priority: MOSQ_LOG_INFO, msg: 'Invalid QoS in subscription command from 127.0.0.1, disconnecting.' },
    ]);
  });

  it('accepts MQTT 3.1 without the header flags and with no filters at all', () => {
    const c = client('c', mosq_p_mqtt31);
    expect(subscribe(c, subscribe_body(9, [['t', 1]]), CMD_SUBSCRIBE)).toBe(MOSQ_ERR_SUCCESS);
    expect(subscribe(c, subscribe_body(10, []), CMD_SUBSCRIBE)).toBe(MOSQ_ERR_SUCCESS);
    expect(packets(c)).toEqual([Buffer.from([0x90, 3, 0, 9, 1]), Buffer.from([0x90, 2, 0, 10])]);
  });

  it('skips an empty filter without reading an options byte, as C does', () => {
    const c = client('c');
    const body = Buffer.concat([u16(1), u16(0), str('t'), Buffer.from([1])]);
    expect(subscribe(c, body)).toBe(MOSQ_ERR_SUCCESS);
    expect(packets(c)).toEqual([Buffer.from([0x90, 3, 0, 1, 1])]);
  });

  it('answers an ACL refusal per protocol: 0x87 for 5, 0x80 for 3.1.1, the QoS for 3.1', () => {
    set_acl(db.config!.security_options, (access, _c, topic) =>
      (access === MOSQ_ACL_SUBSCRIBE && topic === 'mp/t' ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS));
    const expected: [number, number][] = [[mosq_p_mqtt5, 0x87], [mosq_p_mqtt311, 0x80], [mosq_p_mqtt31, 1]];
    for (const [protocol, code] of expected) {
      const c = client(`c${protocol}`, protocol);
      /* The ACL is asked about the filter with the mount point prefixed. */
      c.listener = make_listener({ mount_point: 'mp/' });
      subscribe(c, subscribe_body(1, [['t', 1]], protocol === mosq_p_mqtt5 ? Buffer.alloc(0) : null));
      const suback = packets(c)[0];
      expect(suback[suback.length - 1]).toBe(code);
    }
    expect(node('', 'mp', 't')).toBeUndefined();
    expect(logs.filter((l) => l.priority === MOSQ_LOG_SUBSCRIBE)).toEqual([]);
  });

  describe('retained messages', () => {
    beforeEach(() => {
      retain('r/1', 'one', 1);
      retain('r/2', 'two', 0);
      retain('$SYS/r', 'sys', 0);
    });

    function publishes(c: client, v5: boolean) {
      return packets(c).filter((p) => (p[0] & 0xf0) === 0x30).map((p) => parse_publish(p, v5))
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.qos - b.qos);
    }

    it('follow the SUBACK at the granted QoS, retain set (MQTT 3.1.1), again on resubscribe', () => {
      const c = client('c');
      subscribe(c, subscribe_body(1, [['r/+', 2], ['#', 0]]));
      const written = c.fake!.written.map((p) => p[0] & 0xf0);
      expect(written[0]).toBe(0x90);
      expect(publishes(c, false)).toEqual([
        { topic: 'r/1', qos: 0, retain: true, identifier: 0 },
        { topic: 'r/1', qos: 1, retain: true, identifier: 0 },
        { topic: 'r/2', qos: 0, retain: true, identifier: 0 },
        { topic: 'r/2', qos: 0, retain: true, identifier: 0 },
      ]);
      subscribe(c, subscribe_body(2, [['r/2', 0]]));
      expect(publishes(c, false).map((m) => m.topic)).toEqual(['r/2']);
    });

    it('are sent again on resubscribe for MQTT 3.1 too', () => {
      const c = client('c', mosq_p_mqtt31);
      subscribe(c, subscribe_body(1, [['r/2', 0]]));
      subscribe(c, subscribe_body(2, [['r/2', 0]]));
      expect(publishes(c, false).map((m) => m.topic)).toEqual(['r/2', 'r/2']);
    });

    it('follow MQTT 5 retain handling: 0 always, 1 only for a new subscription, 2 never', () => {
      const props = Buffer.from([0x0b, 5]);
      const always = client('always', mosq_p_mqtt5);
      const if_new = client('if_new', mosq_p_mqtt5);
      const never = client('never', mosq_p_mqtt5);
      for (let i = 1; i <= 2; i++) {
        subscribe(always, subscribe_body(i, [['r/2', 0x00]], props));
        subscribe(if_new, subscribe_body(i, [['r/2', 0x10]], props));
        subscribe(never, subscribe_body(i, [['r/2', 0x20]], props));
      }
      const expected = { topic: 'r/2', qos: 0, retain: true, identifier: 5 };
      expect(publishes(always, true)).toEqual([expected, expected]);
      expect(publishes(if_new, true)).toEqual([expected]);
      expect(publishes(never, true)).toEqual([]);
    });
  });
});
