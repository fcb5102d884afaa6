/**
 * Tests for src/lib/send_unsubscribe.ts: a bridge's UNSUBSCRIBE, byte for byte, with its log
 * lines.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db, socket_bytes } from '../helpers/context.js';
import { packet, props, str } from '../helpers/mqtt_wire.js';

const logs = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logs.push(msg); return 0; },
}));

const { send__unsubscribe } = await import('../../../src/lib/send_unsubscribe.js');

beforeEach(() => {
  reset_db();
  logs.length = 0;
});

describe('send__unsubscribe', () => {
  it('3.1.1: message id then the filters, one log line per filter', () => {
    const c = make_context('local.b');
    const mid = { value: 0 };
    expect(send__unsubscribe(c, mid, 2, ['a/#', 'b'], null)).toBe(MOSQ_ERR_SUCCESS);
    expect(mid.value).toBe(1);
    expect(socket_bytes(c.fake!).toString('hex')).toBe(packet(0xa2, Buffer.from([0, 1]), str('a/#'), str('b')).toString('hex'));
    expect(logs).toEqual([
      'Bridge local.b sending UNSUBSCRIBE (Mid: 1, Topic: a/#)',
      'Bridge local.b sending UNSUBSCRIBE (Mid: 1, Topic: b)',
    ]);
  });

  it('MQTT 5: an empty property list after the message id', () => {
    const c = make_context('local.b', { protocol: mosq_p_mqtt5 });
    expect(send__unsubscribe(c, null, 1, ['x'], null)).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake!).toString('hex')).toBe(packet(0xa2, Buffer.from([0, 1]), props(), str('x')).toString('hex'));
  });

  it('refuses a filter longer than 65535 bytes', () => {
    const c = make_context('local.b');
    expect(send__unsubscribe(c, null, 1, ['a'.repeat(65536)], null)).toBe(MOSQ_ERR_INVAL);
  });
});
