/**
 * Tests for src/lib/send_subscribe.ts: a bridge's SUBSCRIBE, byte for byte, with its message id
 * and log line.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db, socket_bytes } from '../helpers/context.js';
import { props, subscribe } from '../helpers/mqtt_wire.js';

const logs = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logs.push(msg); return 0; },
}));

const { send__subscribe } = await import('../../../src/lib/send_subscribe.js');

beforeEach(() => {
  reset_db();
  logs.length = 0;
});

describe('send__subscribe', () => {
  it('3.1.1: a new message id, each filter with the options byte', () => {
    const c = make_context('local.b');
    c.last_mid = 6;
    const mid = { value: 0 };
    expect(send__subscribe(c, mid, 2, ['a/#', 'b'], 1, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(mid.value).toBe(7);
    expect(socket_bytes(c.fake!).toString('hex')).toBe(subscribe(7, [['a/#', 1], ['b', 1]], { proto: 4 }).toString('hex'));
    expect(logs).toEqual(['Bridge local.b sending SUBSCRIBE (Mid: 7, Topic: a/#, QoS: 1, Options: 0x00)']);
  });

  it('MQTT 5: an empty property list, the option bits logged apart from the QoS', () => {
    const c = make_context('local.b', { protocol: mosq_p_mqtt5 });
    expect(send__subscribe(c, null, 1, ['x'], 2 | 0x04 | 0x08, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake!).toString('hex')).toBe(subscribe(1, [['x', 0x0e]], { proto: 5, props: props() }).toString('hex'));
    expect(logs).toEqual(['Bridge local.b sending SUBSCRIBE (Mid: 1, Topic: x, QoS: 2, Options: 0x0c)']);
  });

  it('refuses a filter longer than 65535 bytes', () => {
    const c = make_context('local.b');
    expect(send__subscribe(c, null, 1, ['a'.repeat(65536)], 0, null)).toBe(MOSQ_ERR_INVAL);
    expect(socket_bytes(c.fake!).length).toBe(0);
  });
});
