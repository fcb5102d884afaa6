/**
 * `$CONTROL/...` topics (control.ts): the topic rules of registration, one callback per topic,
 * and what a client publishing to a control topic gets back (PUBACK/PUBREC, with the
 * callback's reason string for MQTT 5 when it fails).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ALREADY_EXISTS,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_SUCCESS,
} from '../../../src/include/mosquitto.js';
import { MOSQ_EVT_CONTROL } from '../../../src/include/mosquitto_broker.js';
import type { MOSQ_FUNC_generic_callback, mosquitto_evt_control } from '../../../src/include/mosquitto_broker.js';
import { MQTT_PROP_USER_PROPERTY, MQTT_RC_SUCCESS } from '../../../src/include/mqtt_protocol.js';
import {
  control__process,
  control__register_callback,
  control__unregister_callback,
} from '../../../src/broker/control.js';
import { db__msg_store_new } from '../../../src/broker/database.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__security_options, mosquitto_msg_store } from '../../../src/broker/mosquitto_broker_internal.js';
import { mosq_p_mqtt311, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { mosquitto_property_add_string_pair } from '../../../src/lib/property_mosq.js';
import { make_context, make_listener, reset_db, socket_bytes } from '../helpers/context.js';

vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

let opts: mosquitto__security_options;
const seen: mosquitto_evt_control[] = [];
let answer = { rc: MOSQ_ERR_SUCCESS, reason: null as string | null };

const control_cb: MOSQ_FUNC_generic_callback = (event, event_data, userdata) => {
  expect(event).toBe(MOSQ_EVT_CONTROL);
  expect(userdata).toBe('ud');
  const ed = event_data as mosquitto_evt_control;
  seen.push({ ...ed });
  ed.reason_string = answer.reason;
  return answer.rc;
};
const other_cb: MOSQ_FUNC_generic_callback = () => MOSQ_ERR_SUCCESS;

function control_message(topic: string, payload: string, qos: number, mid = 0): mosquitto_msg_store {
  const stored = db__msg_store_new();
  stored.topic = topic;
  stored.payload = Buffer.from(payload);
  stored.payloadlen = stored.payload.length;
  stored.qos = qos;
  stored.source_mid = mid;
  return stored;
}

beforeEach(() => {
  reset_db();
  opts = db.config!.security_options;
  seen.length = 0;
  answer = { rc: MOSQ_ERR_SUCCESS, reason: null };
});

describe('control__register_callback / control__unregister_callback', () => {
  it.each([
    ['no topic', null],
    ['an empty topic', ''],
    ['a topic outside $CONTROL', 'control/a/v1'],
    ['a topic shorter than $CONTROL/A/v1', '$CONTROL/a/'],
    ['a topic longer than 65535 bytes', `$CONTROL/${'x'.repeat(65530)}`],
  ])('refuses %s', (_what, topic) => {
    expect(control__register_callback(opts, control_cb, topic, null)).toBe(MOSQ_ERR_INVAL);
    expect(opts.plugin_callbacks.control).toBe(null);
  });

  it('refuses a missing callback', () => {
    expect(control__register_callback(opts, null, '$CONTROL/a/v1', null)).toBe(MOSQ_ERR_INVAL);
  });

  it('takes the shortest topic allowed, one callback per topic', () => {
    expect(control__register_callback(opts, control_cb, '$CONTROL/A/v1', 'ud')).toBe(MOSQ_ERR_SUCCESS);
    expect(control__register_callback(opts, other_cb, '$CONTROL/A/v1', null)).toBe(MOSQ_ERR_ALREADY_EXISTS);
    expect(control__register_callback(opts, other_cb, '$CONTROL/B/v1', null)).toBe(MOSQ_ERR_SUCCESS);
    expect([...opts.plugin_callbacks.control!.keys()]).toEqual(['$CONTROL/A/v1', '$CONTROL/B/v1']);
  });

  it('unregisters only the callback that owns the topic', () => {
    control__register_callback(opts, control_cb, '$CONTROL/A/v1', 'ud');
    expect(control__unregister_callback(opts, control_cb, null)).toBe(MOSQ_ERR_INVAL);
    expect(control__unregister_callback(opts, control_cb, '')).toBe(MOSQ_ERR_INVAL);
    expect(control__unregister_callback(opts, control_cb, 'A/v1')).toBe(MOSQ_ERR_INVAL);
    expect(control__unregister_callback(opts, other_cb, '$CONTROL/A/v1')).toBe(MOSQ_ERR_NOT_FOUND);
    expect(control__unregister_callback(opts, control_cb, '$CONTROL/B/v1')).toBe(MOSQ_ERR_NOT_FOUND);
    expect(control__unregister_callback(opts, control_cb, '$CONTROL/A/v1')).toBe(MOSQ_ERR_SUCCESS);
    expect(opts.plugin_callbacks.control).toBe(null);
    expect(control__unregister_callback(opts, control_cb, '$CONTROL/A/v1')).toBe(MOSQ_ERR_NOT_FOUND);
  });
});

describe('control__process', () => {
  it('gives the callback the message as published', () => {
    control__register_callback(opts, control_cb, '$CONTROL/feature/v1', 'ud');
    const c = make_context('ctl', { protocol: mosq_p_mqtt5 });
    const stored = control_message('$CONTROL/feature/v1', '{"commands":[]}', 0);
    stored.retain = true;
    stored.properties = mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, 'k', 'v').proplist;
    expect(control__process(c, stored)).toBe(MOSQ_ERR_SUCCESS);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      client: c,
      topic: '$CONTROL/feature/v1',
      payloadlen: 15,
      qos: 0,
      retain: true,
      reason_code: MQTT_RC_SUCCESS,
      reason_string: null,
    });
    expect(seen[0]!.payload!.toString()).toBe('{"commands":[]}');
    expect(seen[0]!.properties).toBe(stored.properties);
    /* QoS 0: nothing to acknowledge. */
    expect(socket_bytes(c.fake!).length).toBe(0);
  });

  it('acknowledges QoS 1 with PUBACK and QoS 2 with PUBREC, also when nobody handles the topic', () => {
    const c = make_context('ctl');
    expect(control__process(c, control_message('$CONTROL/unknown/v1', 'x', 1, 0x0102))).toBe(MOSQ_ERR_SUCCESS);
    expect(control__process(c, control_message('$CONTROL/unknown/v1', 'x', 2, 0x0304))).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake!)).toEqual(Buffer.from([0x40, 0x02, 0x01, 0x02, 0x50, 0x02, 0x03, 0x04]));
  });

  it('a failing callback\'s reason string goes into the MQTT 5 PUBREC, with reason code success', () => {
    control__register_callback(opts, control_cb, '$CONTROL/feature/v1', 'ud');
    answer = { rc: MOSQ_ERR_INVAL, reason: 'nope' };
    const c = make_context('ctl', { protocol: mosq_p_mqtt5 });
    expect(control__process(c, control_message('$CONTROL/feature/v1', 'x', 2, 9))).toBe(MOSQ_ERR_INVAL);
    expect(socket_bytes(c.fake!)).toEqual(Buffer.from([
      0x50, 0x0b, 0x00, 0x09, 0x00, 0x07, 0x1f, 0x00, 0x04, ...Buffer.from('nope'),
    ]));
  });

  it('no reason string when the callback succeeds, or for an MQTT 3.1.1 client', () => {
    control__register_callback(opts, control_cb, '$CONTROL/feature/v1', 'ud');
    answer = { rc: MOSQ_ERR_SUCCESS, reason: 'ignored' };
    const c5 = make_context('ctl5', { protocol: mosq_p_mqtt5 });
    expect(control__process(c5, control_message('$CONTROL/feature/v1', 'x', 1, 1))).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c5.fake!)).toEqual(Buffer.from([0x40, 0x02, 0x00, 0x01]));

    answer = { rc: MOSQ_ERR_INVAL, reason: 'not for 3.1.1' };
    const c4 = make_context('ctl4', { protocol: mosq_p_mqtt311 });
    expect(control__process(c4, control_message('$CONTROL/feature/v1', 'x', 1, 2))).toBe(MOSQ_ERR_INVAL);
    expect(socket_bytes(c4.fake!)).toEqual(Buffer.from([0x40, 0x02, 0x00, 0x02]));
  });

  it('with per_listener_settings, uses the client\'s listener\'s callbacks', () => {
    reset_db({ per_listener_settings: true });
    const listener = make_listener();
    control__register_callback(listener.security_options, control_cb, '$CONTROL/feature/v1', 'ud');
    control__process(make_context('elsewhere'), control_message('$CONTROL/feature/v1', 'x', 0));
    expect(seen).toHaveLength(0);
    control__process(make_context('here', { listener }), control_message('$CONTROL/feature/v1', 'x', 0));
    expect(seen).toHaveLength(1);
  });
});
