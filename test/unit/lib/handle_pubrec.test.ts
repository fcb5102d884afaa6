import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG, MOSQ_LOG_WARNING } from '../../../src/include/mosquitto.js';
import { CMD_PUBREC } from '../../../src/include/mqtt_protocol.js';
import { mosq_md_out, mosq_ms_wait_for_pubcomp, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
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

const { handle__pubrec } = await import('../../../src/lib/handle_pubrec.js');
const { db__message_insert, db__message_store, db__msg_store_new } = await import('../../../src/broker/database.js');

function queue(c: ReturnType<typeof make_context>, mid: number): void {
  const stored = db__msg_store_new();
  stored.topic = 't';
  stored.qos = 2;
  db__message_store(null, stored, 0, 0, 1);
  db__message_insert(c, mid, mosq_md_out, 2, false, stored, null, true);
}

beforeEach(() => {
  reset_db();
  calls.logs = [];
});

describe('handle__pubrec', () => {
  it('moves the message on to waiting for PUBCOMP and sends PUBREL', () => {
    const c = make_context('sub');
    queue(c, 6);
    set_in_packet(c, CMD_PUBREC, Buffer.from([0, 6]));
    expect(handle__pubrec(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: 'Received PUBREC from sub (Mid: 6)' });
    expect(c.msgs_out.inflight!.state).toBe(mosq_ms_wait_for_pubcomp);
    expect(socket_bytes(c.fake!).toString('hex')).toBe('3405000174' + '0006' + '62020006');
  });

  it('still answers PUBREL for an unknown id, after a warning', () => {
    const c = make_context('sub');
    set_in_packet(c, CMD_PUBREC, Buffer.from([0, 7]));
    expect(handle__pubrec(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_WARNING, msg: 'Warning: Received PUBREC from sub for an unknown packet identifier 7.' });
    expect(socket_bytes(c.fake!).toString('hex')).toBe('62020007');
  });

  it('ends the flow when an MQTT 5 client refuses the message', () => {
    const c = make_context('sub', { protocol: mosq_p_mqtt5 });
    queue(c, 2);
    const before = socket_bytes(c.fake!).length;
    set_in_packet(c, CMD_PUBREC, Buffer.from([0, 2, 0x87]));
    expect(handle__pubrec(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.msgs_out.inflight).toBeNull();
    expect(socket_bytes(c.fake!).length).toBe(before);
  });

  it('rejects id 0 and a QoS 1 message', () => {
    const c = make_context('sub');
    set_in_packet(c, CMD_PUBREC, Buffer.from([0, 0]));
    expect(handle__pubrec(c)).toBe(MOSQ_ERR_PROTOCOL);
    const stored = db__msg_store_new();
    stored.topic = 't';
    db__message_store(null, stored, 0, 0, 1);
    db__message_insert(c, 3, mosq_md_out, 1, false, stored, null, true);
    set_in_packet(c, CMD_PUBREC, Buffer.from([0, 3]));
    expect(handle__pubrec(c)).toBe(MOSQ_ERR_PROTOCOL);
  });
});
