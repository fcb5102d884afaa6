import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG } from '../../../src/include/mosquitto.js';
import { CMD_PUBREL } from '../../../src/include/mqtt_protocol.js';
import { mosq_md_in, mosq_p_mqtt31 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto_msg_store } from '../../../src/broker/mosquitto_broker_internal.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import { make_context, reset_db, set_in_packet, socket_bytes } from '../helpers/context.js';

const calls = vi.hoisted(() => ({
  logs: [] as { priority: number; msg: string }[],
  queued: [] as string[],
  g: {
    g_bytes_received: 0, g_bytes_sent: 0, g_pub_bytes_received: 0, g_pub_bytes_sent: 0, g_msgs_received: 0,
    g_msgs_sent: 0, g_pub_msgs_received: 0, g_pub_msgs_sent: 0, g_msgs_dropped: 0, g_clients_expired: 0,
    g_socket_connections: 0, g_connection_count: 0,
  },
}));

vi.mock('../../../src/broker/sys_tree.js', () => ({ g: calls.g }));
vi.mock('../../../src/broker/subs.js', () => ({
  sub__add_hier_entry: () => null,
  sub__messages_queue: (_s: string, topic: string, _q: number, _r: boolean, stored: mosquitto_msg_store) => {
    calls.queued.push(`${topic}=${stored.payload.toString()}`);
    return 0;
  },
}));
vi.mock('../../../src/broker/retain.js', () => ({ retain__init: () => 0, retain__clean: () => undefined }));
vi.mock('../../../src/broker/read_handle.js', () => ({ handle__packet: () => 0 }));
vi.mock('../../../src/broker/keepalive.js', () => ({ keepalive__update: () => undefined }));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string) => { calls.logs.push({ priority, msg }); return 0; },
}));

const { handle__pubrel } = await import('../../../src/lib/handle_pubrel.js');
const { db__message_insert, db__message_store, db__msg_store_new } = await import('../../../src/broker/database.js');

beforeEach(() => {
  reset_db();
  calls.logs = [];
  calls.queued = [];
});

describe('handle__pubrel', () => {
  it('delivers the released message and answers PUBCOMP', () => {
    const c = make_context('pub');
    const stored = db__msg_store_new();
    stored.topic = 'a/b';
    stored.qos = 2;
    stored.payload = Buffer.from('m');
    stored.payloadlen = 1;
    stored.source_mid = 12;
    db__message_store(c, stored, 0, 0, 0);
    db__message_insert(c, 12, mosq_md_in, 2, false, stored, null, false);

    set_in_packet(c, CMD_PUBREL | 2, Buffer.from([0, 12]));
    expect(handle__pubrel(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.logs).toContainEqual({ priority: MOSQ_LOG_DEBUG, msg: 'Received PUBREL from pub (Mid: 12)' });
    expect(calls.queued).toEqual(['a/b=m']);
    expect(c.msgs_in.inflight).toBeNull();
    expect(db.msg_store).toBeNull();
    expect(socket_bytes(c.fake!).toString('hex')).toBe('7002000c');

    /* Repeated after a reconnect: PUBCOMP again, nothing delivered. */
    set_in_packet(c, CMD_PUBREL | 2, Buffer.from([0, 12]));
    expect(handle__pubrel(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(calls.queued).toEqual(['a/b=m']);
    expect(socket_bytes(c.fake!).toString('hex')).toBe('7002000c7002000c');
  });

  it('requires the 0x02 flags except from MQTT 3.1 clients', () => {
    const c = make_context('pub');
    set_in_packet(c, CMD_PUBREL, Buffer.from([0, 1]));
    expect(handle__pubrel(c)).toBe(MOSQ_ERR_PROTOCOL);
    const old = make_context('old', { protocol: mosq_p_mqtt31 });
    set_in_packet(old, CMD_PUBREL, Buffer.from([0, 1]));
    expect(handle__pubrel(old)).toBe(MOSQ_ERR_SUCCESS);
    set_in_packet(c, CMD_PUBREL | 2, Buffer.from([0, 0]));
    expect(handle__pubrel(c)).toBe(MOSQ_ERR_PROTOCOL);
  });
});
