/*
 * UNSUBSCRIBE end to end from the packet body: the UNSUBACK bytes (one reason code per filter
 * for MQTT 5), the errors that end the connection, and the log lines.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db__open } from '../../../src/broker/database.js';
import { handle__subscribe } from '../../../src/broker/handle_subscribe.js';
import { handle__unsubscribe } from '../../../src/broker/handle_unsubscribe.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__subhier } from '../../../src/broker/mosquitto_broker_internal.js';
import { MOSQ_ACL_UNSUBSCRIBE } from '../../../src/include/mosquitto_plugin.js';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_INFO,
  MOSQ_LOG_UNSUBSCRIBE,
} from '../../../src/include/mosquitto.js';
import { CMD_SUBSCRIBE, CMD_UNSUBSCRIBE } from '../../../src/include/mqtt_protocol.js';
import { mosq_cs_new, mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db, set_in_packet } from '../helpers/context.js';
import type { fake_socket } from '../helpers/context.js';
import { packets, set_acl, str, subscribe_body, u16, unsubscribe_body } from '../helpers/subs.js';

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

function subscribe(c: client, body: Buffer): number {
  set_in_packet(c, CMD_SUBSCRIBE | 2, body);
  return handle__subscribe(c);
}

function unsubscribe(c: client, body: Buffer, command = CMD_UNSUBSCRIBE | 2): number {
  set_in_packet(c, command, body);
  return handle__unsubscribe(c);
}

function node(...levels: string[]): mosquitto__subhier | undefined {
  let hier = db.subs!.children.get('');
  for (const level of levels) hier = hier?.children.get(level);
  return hier;
}

beforeEach(() => {
  reset_db();
  db__open(db.config);
  set_acl(db.config!.security_options);
  logs.length = 0;
});

describe('handle__unsubscribe', () => {
  it('removes the subscriptions and answers with the message id only (MQTT 3.1.1)', () => {
    const c = client('c');
    subscribe(c, subscribe_body(1, [['a', 0], ['b', 0]]));
    packets(c);
    logs.length = 0;
    expect(unsubscribe(c, unsubscribe_body(0x0102, ['a', 'x']))).toBe(MOSQ_ERR_SUCCESS);
    expect(packets(c)).toEqual([Buffer.from([0xb0, 2, 1, 2])]);
    expect(node('', 'a')).toBeUndefined();
    expect(node('', 'b')!.subs!.context).toBe(c);
    expect(logs).toEqual([
      { priority: MOSQ_LOG_DEBUG, msg: 'Received UNSUBSCRIBE from c' },
      { priority: MOSQ_LOG_DEBUG, msg: '\ta' },
      { priority: MOSQ_LOG_UNSUBSCRIBE, msg: 'c a' },
      { priority: MOSQ_LOG_DEBUG, msg: '\tx' },
      { priority: MOSQ_LOG_UNSUBSCRIBE, msg: 'c x' },
      { priority: MOSQ_LOG_DEBUG, msg: 'Sending UNSUBACK to c' },
    ]);
  });

  it('gives MQTT 5 one reason code per filter', () => {
    const c = client('c', mosq_p_mqtt5);
    subscribe(c, subscribe_body(1, [['a', 0], ['$share/g/s', 0]], Buffer.alloc(0)));
    packets(c);
    unsubscribe(c, unsubscribe_body(3, ['a', 'a', '$share/g/s', '$share/h/s'], true));
    expect(packets(c)).toEqual([Buffer.from([0xb0, 7, 0, 3, 0, 0x00, 0x11, 0x00, 0x11])]);
    expect(db.subscription_count).toBe(0);
    expect(db.shared_subscription_count).toBe(0);
  });

  it('answers 0x87 to a refused filter, and the code carries over to a filter with no root, as in C', () => {
    const c = client('c', mosq_p_mqtt5);
    set_acl(db.config!.security_options, (access, _c, topic) =>
      (access === MOSQ_ACL_UNSUBSCRIBE && topic === 'deny' ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS));
    unsubscribe(c, unsubscribe_body(3, ['deny', '$none/x', 'a', '$none/x'], true));
    expect(packets(c)).toEqual([Buffer.from([0xb0, 7, 0, 3, 0, 0x87, 0x87, 0x11, 0x11])]);
  });

  it('rejects malformed packets', () => {
    const cases: [number, Buffer, number?][] = [
      [mosq_p_mqtt311, unsubscribe_body(1, ['t']), CMD_UNSUBSCRIBE],
      [mosq_p_mqtt311, unsubscribe_body(0, ['t'])],
      [mosq_p_mqtt311, unsubscribe_body(1, [])],
      [mosq_p_mqtt5, unsubscribe_body(1, [], true)],
      [mosq_p_mqtt311, unsubscribe_body(1, [''])],
      [mosq_p_mqtt311, unsubscribe_body(1, ['a/#/b'])],
      [mosq_p_mqtt5, Buffer.concat([u16(1), Buffer.from([2, 0x0b, 1]), str('t')])],
    ];
    for (const [protocol, body, command] of cases) {
      const c = client('c', protocol);
      expect(unsubscribe(c, body, command)).toBe(MOSQ_ERR_MALFORMED_PACKET);
      expect(packets(c)).toEqual([]);
    }
    expect(logs.filter((l) => l.priority === MOSQ_LOG_INFO)).toEqual([
      { priority: MOSQ_LOG_INFO, msg: 'Empty unsubscription string from c, disconnecting.' },
      { priority: MOSQ_LOG_INFO, msg: 'Invalid unsubscription string from c, disconnecting.' },
    ]);
  });

  it('refuses a client that is not yet connected', () => {
    const c = client('c');
    c.state = mosq_cs_new;
    expect(unsubscribe(c, unsubscribe_body(1, ['t']))).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('accepts an MQTT 3.1 UNSUBSCRIBE with no filters', () => {
    const c = client('c', mosq_p_mqtt31);
    expect(unsubscribe(c, unsubscribe_body(4, []), CMD_UNSUBSCRIBE)).toBe(MOSQ_ERR_SUCCESS);
    expect(packets(c)).toEqual([Buffer.from([0xb0, 2, 0, 4])]);
  });
});
