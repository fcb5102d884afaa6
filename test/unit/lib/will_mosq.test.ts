import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PAYLOAD_SIZE,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
} from '../../../src/include/mosquitto.js';
import { MQTT_PROP_CONTENT_TYPE, MQTT_PROP_TOPIC_ALIAS } from '../../../src/include/mqtt_protocol.js';
import { mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { mosquitto_property_add_int16, mosquitto_property_add_string } from '../../../src/lib/property_mosq.js';
import { will__clear, will__set } from '../../../src/lib/will_mosq.js';
import { make_context, reset_db } from '../helpers/context.js';

/* logging pulls in the whole broker; these functions log nothing worth checking here. */
vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

beforeEach(() => reset_db());

describe('will__set / will__clear', () => {
  it('installs a will with a private copy of the payload', () => {
    const c = make_context('c');
    const payload = Buffer.from('gone');
    expect(will__set(c, 'status/c', 4, payload, 1, true, null)).toBe(MOSQ_ERR_SUCCESS);
    payload.fill(0);
    expect(c.will!.msg).toEqual({ mid: 0, topic: 'status/c', payload: Buffer.from('gone'), payloadlen: 4, qos: 1, retain: true });

    expect(will__set(c, 'other', 0, null, 0, false, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.will!.msg.payload).toBeNull();
    expect(c.will!.msg.topic).toBe('other');
  });

  it('refuses bad topics, payloads and properties', () => {
    const c = make_context('c');
    expect(will__set(c, null, 0, null, 0, false, null)).toBe(MOSQ_ERR_INVAL);
    expect(will__set(c, 'a/#', 0, null, 0, false, null)).toBe(MOSQ_ERR_INVAL);
    expect(will__set(c, 't', 1, null, 0, false, null)).toBe(MOSQ_ERR_INVAL);
    expect(will__set(c, 't', -1, null, 0, false, null)).toBe(MOSQ_ERR_PAYLOAD_SIZE);
    const props = mosquitto_property_add_string(null, MQTT_PROP_CONTENT_TYPE, 'text/plain').proplist;
    expect(will__set(c, 't', 0, null, 0, false, props)).toBe(MOSQ_ERR_NOT_SUPPORTED);
    c.protocol = mosq_p_mqtt5;
    expect(will__set(c, 't', 0, null, 0, false, props)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.will!.properties).toBe(props);
    const bad = mosquitto_property_add_int16(null, MQTT_PROP_TOPIC_ALIAS, 1).proplist;
    expect(will__set(c, 't', 0, null, 0, false, bad)).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('clears the will and its delay', () => {
    const c = make_context('c', { will_delay_interval: 10 });
    expect(will__clear(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.will_delay_interval).toBe(10);
    will__set(c, 't', 0, null, 0, false, null);
    expect(will__clear(c)).toBe(MOSQ_ERR_SUCCESS);
    expect([c.will, c.will_delay_interval]).toEqual([null, 0]);
  });
});
