import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG, MOSQ_LOG_WARNING } from '../../../src/include/mosquitto.js';
import { CMD_PUBACK, CMD_PUBCOMP } from '../../../src/include/mqtt_protocol.js';
import { mosq_cs_new, mosq_md_out, mosq_ms_wait_for_pubcomp, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import { make_context, reset_db, set_in_packet, socket_bytes } from '../helpers/context.js';

const calls = vi.hoisted(() => ({
  logs: [] as { priority: number; msg: string }[],
  g: {
    g_bytes_received: 0, g_bytes_sent: 0, g_pub_bytes_received: 0, g_pub_bytes_sent: 0, g_msgs_received: 0,
    g_msgs_sent: 0, g_pub_msgs_received: 0, g_pub_msgs_sent: 0, g_msgs_dropped: 0, g_clients_expired: 0,
    g_socket_connections: 0, g_connection_count: 0,
  },
}));

vi.mock('../../../src/broker/sys_tree.js', () => ({ g: calls.g }));
vi.mock('../../../src/broker/subs.js', () => ({ sub__add_hier_entry: () => null, sub__messages_queue: () => 0 }));
vi.mock('../../../src/broker/retain.js', () => ({ retain__init: () => 0, retain__clean: () => undefined }));
vi.mock('../../../src/broker/read_handle.js', () => ({ handle__packet: () => 0 }));
vi.mock('../../../src/broker/keepalive.js', () => ({ keepalive__update: () => undefined }));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string) => { calls.logs.push({ priority, msg }); return 0; },
}));

const { handle__pubackcomp } = await import('../../../src/lib/handle_pubackcomp.js');
const { db__message_insert, db__message_store, db__msg_store_new } = await import('../../../src/broker/database.js');

function queue(c: ReturnType<typeof make_context>, mid: number, qos: number): void {
  const stored = db__msg_store_new();
  stored.topic = 't';
  stored.qos = qos;
  stored.payload = Buffer.from('x');
  stored.payloadlen = 1;
  db__message_store(null, stored, 0, 0, 1);
  db__message_insert(c, mid, mosq_md_out, qos, false, stored, null, true);
}

beforeEach(() => {
  reset_db({ max_inflight_messages: 1 });
  calls.logs = [];
});

describe('handle__pubackcomp', () => {
  it('finishes a QoS 1 message on PUBACK and sends the next queued one', () => {
    const c = make_context('sub');
    queue(c, 1, 1);
    queue(c, 2, 1);
    expect(c.msgs_out.inflight_quota).toBe(0);
    set_in_packet(c, CMD_PUBACK, Buffer.from([0, 1]));
    expect(handle__pubackcomp(c, 'PUBACK')).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: 'Received PUBACK from sub (Mid: 1, RC:0)' });
    expect(c.msgs_out.inflight!.mid).toBe(2);
    expect(c.msgs_out.queued).toBeNull();
    expect(socket_bytes(c.fake!).toString('hex')).toBe('3206000174000178' + '3206000174000278');
    expect(db.msg_store_count).toBe(1);
  });

  it('finishes a QoS 2 message on PUBCOMP, with an MQTT 5 reason code and properties', () => {
    const c = make_context('sub', { protocol: mosq_p_mqtt5 });
    queue(c, 4, 2);
    c.msgs_out.inflight!.state = mosq_ms_wait_for_pubcomp;
    set_in_packet(c, CMD_PUBCOMP, Buffer.from([0, 4, 0x92, 3, 0x1f, 0, 0]));
    expect(handle__pubackcomp(c, 'PUBCOMP')).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: 'Received PUBCOMP from sub (Mid: 4, RC:146)' });
    expect(c.msgs_out.inflight).toBeNull();
    expect(c.msgs_out.inflight_quota).toBe(1);
  });

  it('accepts an unknown id quietly and rejects a wrong one', () => {
    const c = make_context('sub');
    set_in_packet(c, CMD_PUBACK, Buffer.from([0, 9]));
    expect(handle__pubackcomp(c, 'PUBACK')).toBe(MOSQ_ERR_SUCCESS);
    /* db__message_delete_outgoing does not report NOT_FOUND in 2.0.11, so no warning either. */
    expect(calls.logs.filter((l) => l.priority === MOSQ_LOG_WARNING)).toEqual([]);

    queue(c, 3, 2);
    set_in_packet(c, CMD_PUBACK, Buffer.from([0, 3]));
    expect(handle__pubackcomp(c, 'PUBACK')).toBe(MOSQ_ERR_PROTOCOL);
    set_in_packet(c, CMD_PUBACK, Buffer.from([0, 0]));
    expect(handle__pubackcomp(c, 'PUBACK')).toBe(MOSQ_ERR_PROTOCOL);
    set_in_packet(c, CMD_PUBACK, Buffer.from([0]));
    expect(handle__pubackcomp(c, 'PUBACK')).toBe(MOSQ_ERR_PROTOCOL);
    c.state = mosq_cs_new;
    set_in_packet(c, CMD_PUBACK, Buffer.from([0, 3]));
    expect(handle__pubackcomp(c, 'PUBACK')).toBe(MOSQ_ERR_PROTOCOL);
  });
});
