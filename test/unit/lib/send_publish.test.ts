import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_NO_CONN,
  MOSQ_ERR_OVERSIZE_PACKET,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_NOTICE,
} from '../../../src/include/mosquitto.js';
import { MQTT_PROP_SUBSCRIPTION_IDENTIFIER, MQTT_PROP_USER_PROPERTY } from '../../../src/include/mqtt_protocol.js';
import { bd_in, bd_out } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__bridge } from '../../../src/broker/mosquitto_broker_internal.js';
import { mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { mosquitto_property_add_string_pair, mosquitto_property_add_varint } from '../../../src/lib/property_mosq.js';
import { make_context, reset_db, socket_bytes } from '../helpers/context.js';

const calls = vi.hoisted(() => ({
  logs: [] as { priority: number; msg: string }[],
  g: {
    g_bytes_received: 0, g_bytes_sent: 0, g_pub_bytes_received: 0, g_pub_bytes_sent: 0, g_msgs_received: 0,
    g_msgs_sent: 0, g_pub_msgs_received: 0, g_pub_msgs_sent: 0, g_msgs_dropped: 0, g_clients_expired: 0,
    g_socket_connections: 0, g_connection_count: 0,
  },
}));

vi.mock('../../../src/broker/sys_tree.js', () => ({ g: calls.g }));
vi.mock('../../../src/broker/read_handle.js', () => ({ handle__packet: () => 0 }));
vi.mock('../../../src/broker/keepalive.js', () => ({ keepalive__update: () => undefined }));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string) => { calls.logs.push({ priority, msg }); return 0; },
}));

const { send__publish, send__real_publish } = await import('../../../src/lib/send_publish.js');

const payload = Buffer.from('hi');

beforeEach(() => {
  reset_db();
  calls.logs = [];
  calls.g.g_pub_bytes_sent = 0;
});

describe('send__publish', () => {
  it('writes a 3.1.1 PUBLISH with its flags, topic, id and payload, and logs it', () => {
    const c = make_context('sub');
    expect(send__publish(c, 0x0102, 'a/b', 2, payload, 1, true, true, null, null, 0)).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake!).toString('hex')).toBe('3b09' + '0003612f62' + '0102' + '6869');
    expect(calls.logs).toEqual([{ priority: MOSQ_LOG_DEBUG, msg: "Sending PUBLISH to sub (d1, q1, r1, m258, 'a/b', ... (2 bytes))" }]);
    expect(calls.g.g_pub_bytes_sent).toBe(2);
  });

  it('clears the retain flag for a client that cannot take retained messages', () => {
    const c = make_context('sub', { retain_available: false });
    send__publish(c, 0, 't', 2, payload, 0, true, false, null, null, 0);
    expect(socket_bytes(c.fake!).toString('hex')).toBe('3005' + '000174' + '6869');
  });

  it('adds the client, message and expiry properties under MQTT 5', () => {
    const c = make_context('sub', { protocol: mosq_p_mqtt5 });
    const cmsg = mosquitto_property_add_varint(null, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 5).proplist;
    const store = mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, 'k', 'v').proplist;
    expect(send__publish(c, 9, 't', 2, payload, 2, false, false, cmsg, store, 30)).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake!).toString('hex')).toBe(
      '3416' + '000174' + '0009' + '0e' + '0b05' + '260001' + '6b' + '000176' + '020000001e' + '6869');
    /* Without properties: a zero property length. */
    const d = make_context('d', { protocol: mosq_p_mqtt5 });
    send__real_publish(d, 0, 't', 2, payload, 0, false, false, null, null, 0);
    expect(socket_bytes(d.fake!).toString('hex')).toBe('3006' + '000174' + '00' + '6869');
  });

  it('drops a packet larger than the client accepts', () => {
    const c = make_context('small', { maximum_packet_size: 8 });
    expect(send__publish(c, 1, 'abc', 2, payload, 1, false, false, null, null, 0)).toBe(MOSQ_ERR_OVERSIZE_PACKET);
    expect(socket_bytes(c.fake!).length).toBe(0);
    expect(calls.logs[1]).toEqual({ priority: MOSQ_LOG_NOTICE, msg: 'Dropping too large outgoing PUBLISH for small (9 bytes)' });
    c.maximum_packet_size = 11;
    expect(send__publish(c, 1, 'abc', 2, payload, 1, false, false, null, null, 0)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('refuses a client with no connection', () => {
    const c = make_context('gone', { online: false });
    expect(send__publish(c, 1, 't', 2, payload, 1, false, false, null, null, 0)).toBe(MOSQ_ERR_NO_CONN);
    expect(calls.logs).toEqual([]);
  });

  it('maps the topic of an outgoing bridge message from the local to the remote prefix', () => {
    const c = make_context('bridge');
    c.bridge = {
      topics: [
        { topic: 'x/#', local_prefix: 'in/', remote_prefix: 'r/', local_topic: 'in/x/#', remote_topic: 'r/x/#', direction: bd_in, qos: 0 },
        { topic: 'x/#', local_prefix: 'loc/', remote_prefix: 'rem/', local_topic: 'loc/x/#', remote_topic: 'rem/x/#', direction: bd_out, qos: 0 },
      ],
      topic_count: 2,
      topic_remapping: true,
    } as unknown as mosquitto__bridge;
    send__publish(c, 0, 'loc/x/y', 2, payload, 0, false, false, null, null, 0);
    send__publish(c, 0, 'other', 2, payload, 0, false, false, null, null, 0);
    expect(calls.logs.map((l) => l.msg)).toEqual([
      "Sending PUBLISH to bridge (d0, q0, r0, m0, 'rem/x/y', ... (2 bytes))",
      "Sending PUBLISH to bridge (d0, q0, r0, m0, 'other', ... (2 bytes))",
    ]);
    expect(socket_bytes(c.fake!).toString()).toContain('rem/x/y');
  });
});
