import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import {
  MQTT_PROP_CONTENT_TYPE,
  MQTT_PROP_MAXIMUM_PACKET_SIZE,
  MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
  MQTT_PROP_RECEIVE_MAXIMUM,
  MQTT_PROP_SESSION_EXPIRY_INTERVAL,
  MQTT_PROP_TOPIC_ALIAS,
  MQTT_PROP_USER_PROPERTY,
  MQTT_PROP_WILL_DELAY_INTERVAL,
} from '../../../src/include/mqtt_protocol.js';
import type { mosquitto_message_all } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto_property } from '../../../src/lib/property_mosq.js';
import { property__new } from '../../../src/lib/property_mosq.js';
import {
  property__process_connect,
  property__process_disconnect,
  property__process_will,
} from '../../../src/broker/property_broker.js';
import { make_context, reset_db } from '../helpers/context.js';

/** A property with a numeric value in every numeric member, enough for these tests. */
function prop(identifier: number, value = 0): mosquitto_property {
  const p = property__new();
  p.identifier = identifier;
  p.value.i16 = value;
  p.value.i32 = value;
  return p;
}

function will(): mosquitto_message_all {
  return {
    properties: null, timestamp: 0, state: 0, dup: false, expiry_interval: 0,
    msg: { mid: 0, topic: 'w', payload: null, payloadlen: 0, qos: 0, retain: false },
  };
}

/* logging pulls in the whole broker; these functions log nothing worth checking here. */
vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

beforeEach(() => reset_db());

describe('property__process_connect', () => {
  it('takes session expiry, receive maximum and maximum packet size', () => {
    const c = make_context('c');
    expect(property__process_connect(c, [
      prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, 300),
      prop(MQTT_PROP_RECEIVE_MAXIMUM, 5),
      prop(MQTT_PROP_MAXIMUM_PACKET_SIZE, 1000),
    ])).toBe(MOSQ_ERR_SUCCESS);
    expect([c.session_expiry_interval, c.msgs_out.inflight_maximum, c.msgs_out.inflight_quota, c.maximum_packet_size])
      .toEqual([300, 5, 5, 1000]);
    expect(property__process_connect(c, null)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('refuses a zero receive maximum or maximum packet size', () => {
    const c = make_context('c');
    expect(property__process_connect(c, [prop(MQTT_PROP_RECEIVE_MAXIMUM, 0)])).toBe(MOSQ_ERR_PROTOCOL);
    expect(property__process_connect(c, [prop(MQTT_PROP_MAXIMUM_PACKET_SIZE, 0)])).toBe(MOSQ_ERR_PROTOCOL);
    expect(c.msgs_out.inflight_maximum).toBe(20);
  });
});

describe('property__process_will', () => {
  it('moves the message properties to the will and applies delay and expiry', () => {
    const c = make_context('c');
    const w = will();
    const props = [
      prop(MQTT_PROP_USER_PROPERTY),
      prop(MQTT_PROP_WILL_DELAY_INTERVAL, 30),
      prop(MQTT_PROP_CONTENT_TYPE),
      prop(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 60),
    ];
    expect(property__process_will(c, w, props)).toBe(MOSQ_ERR_SUCCESS);
    expect(w.properties!.map((p) => p.identifier)).toEqual([MQTT_PROP_USER_PROPERTY, MQTT_PROP_CONTENT_TYPE]);
    expect(props.map((p) => p.identifier)).toEqual([MQTT_PROP_WILL_DELAY_INTERVAL, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL]);
    expect([c.will_delay_interval, w.expiry_interval]).toEqual([30, 60]);
  });

  it('refuses a property that does not belong to a will', () => {
    expect(property__process_will(make_context('c'), will(), [prop(MQTT_PROP_TOPIC_ALIAS, 1)])).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('property__process_disconnect', () => {
  it('updates the session expiry, but cannot start one', () => {
    const c = make_context('c', { session_expiry_interval: 10 });
    expect(property__process_disconnect(c, [prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0)])).toBe(MOSQ_ERR_SUCCESS);
    expect(c.session_expiry_interval).toBe(0);
    expect(property__process_disconnect(c, [prop(MQTT_PROP_SESSION_EXPIRY_INTERVAL, 5)])).toBe(MOSQ_ERR_PROTOCOL);
  });
});
