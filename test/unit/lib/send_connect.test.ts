/**
 * Tests for src/lib/send_connect.ts: the CONNECT a bridge sends, byte for byte (remote client id
 * and credentials, the notification will, try_private's 0x80 version bit, MQTT 5's Receive
 * Maximum), and the refusals.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import type { mosquitto__bridge } from '../../../src/broker/mosquitto_broker_internal.js';
import { mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db, socket_bytes } from '../helpers/context.js';
import { connect, prop, props } from '../helpers/mqtt_wire.js';

const logs = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logs.push(msg); return 0; },
}));

const { send__connect } = await import('../../../src/lib/send_connect.js');
const { will__set } = await import('../../../src/lib/will_mosq.js');

/** A bridge context as bridge__new leaves it, not yet connected. */
function bridge_context(protocol: number, bridge: Partial<mosquitto__bridge> = {}): mosquitto & { fake: unknown } {
  const b = {
    remote_clientid: 'host.b1', remote_username: null, remote_password: null, protocol_version: protocol,
    try_private: true, try_private_accepted: true, notifications_local_only: false, ...bridge,
  } as mosquitto__bridge;
  return make_context('local.host.b1', {
    protocol, bridge: b, is_bridge: true, username: b.remote_username,
    password: b.remote_password === null ? null : Buffer.from(b.remote_password),
  });
}

beforeEach(() => {
  reset_db();
  logs.length = 0;
});

describe('send__connect', () => {
  it('3.1.1 bridge: remote id and credentials, retained QoS 1 will, version 0x84 for try_private', () => {
    const c = bridge_context(mosq_p_mqtt311, { remote_username: 'u', remote_password: 'p' });
    expect(will__set(c, '$SYS/broker/connection/host.b1/state', 1, Buffer.from('0'), 1, true, null)).toBe(0);
    expect(send__connect(c, 60, false, null)).toBe(MOSQ_ERR_SUCCESS);
    const want = connect({
      proto: 4, id: 'host.b1', clean: false, keepalive: 60, username: 'u', password: 'p',
      will: { topic: '$SYS/broker/connection/host.b1/state', payload: '0', qos: 1, retain: true },
    });
    want[8] = 0x84;
    expect(socket_bytes(c.fake as never).toString('hex')).toBe(want.toString('hex'));
    expect(logs).toEqual(['Bridge host.b1 sending CONNECT']);
  });

  it('leaves the will out for local-only notifications and the 0x80 bit out after a refusal', () => {
    const c = bridge_context(mosq_p_mqtt311, { notifications_local_only: true, try_private_accepted: false });
    will__set(c, 'n', 1, Buffer.from('0'), 1, true, null);
    expect(send__connect(c, 30, true, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake as never).toString('hex')).toBe(connect({ proto: 4, id: 'host.b1', keepalive: 30 }).toString('hex'));
  });

  it('drops the will retain flag when the remote has no retain', () => {
    const c = bridge_context(mosq_p_mqtt311, { try_private: false });
    c.retain_available = false;
    will__set(c, 'n', 1, Buffer.from('0'), 0, true, null);
    send__connect(c, 60, true, null);
    expect(socket_bytes(c.fake as never).toString('hex'))
      .toBe(connect({ proto: 4, id: 'host.b1', will: { topic: 'n', payload: '0' } }).toString('hex'));
  });

  it('MQTT 5: Receive Maximum from the incoming window, no 0x80 bit', () => {
    const c = bridge_context(mosq_p_mqtt5);
    expect(send__connect(c, 60, true, null)).toBe(MOSQ_ERR_SUCCESS);
    const want = connect({ proto: 5, id: 'host.b1', props: props(prop(33, 20)) });
    expect(socket_bytes(c.fake as never).toString('hex')).toBe(want.toString('hex'));
  });

  it('MQTT 3.1 uses MQIsdp, version 3 (0x83 with try_private)', () => {
    const c = bridge_context(mosq_p_mqtt31);
    send__connect(c, 60, true, null);
    const want = connect({ proto: 3, id: 'host.b1' });
    want[10] = 0x83;
    expect(socket_bytes(c.fake as never).toString('hex')).toBe(want.toString('hex'));
  });

  it('refuses a 3.x password without username, 3.1 without an id, and an unknown protocol', () => {
    const c = bridge_context(mosq_p_mqtt311, { remote_password: 'p' });
    expect(send__connect(c, 60, true, null)).toBe(MOSQ_ERR_INVAL);
    const no_id = make_context('x', { protocol: mosq_p_mqtt31 });
    no_id.id = null;
    expect(send__connect(no_id, 60, true, null)).toBe(MOSQ_ERR_PROTOCOL);
    const bad = bridge_context(9);
    expect(send__connect(bad, 60, true, null)).toBe(MOSQ_ERR_INVAL);
    expect(socket_bytes(c.fake as never).length).toBe(0);
  });
});
