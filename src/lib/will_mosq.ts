/**
 * The Last Will of lib/will_mosq.c: setting and clearing the message the broker publishes for a
 * client whose connection ends without a DISCONNECT. The broker uses will__set for its bridges'
 * notification wills and will__clear whenever a will no longer applies.
 * @module
 */
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_UTF8,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PAYLOAD_SIZE,
  MOSQ_ERR_SUCCESS,
} from '../include/mosquitto.js';
import { CMD_WILL, MQTT_MAX_PAYLOAD } from '../include/mqtt_protocol.js';
import { mosq_ms_invalid, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { mosquitto_property_check_command } from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';
import { mosquitto_validate_utf8 } from './utf8_mosq.js';
import { mosquitto_pub_topic_check } from './util_topic.js';

/**
 * Validates and installs a will on a client, replacing any earlier one. The properties become
 * the will's own.
 */
export function will__set(mosq: mosquitto, topic: string | null, payloadlen: number, payload: Buffer | null,
    qos: number, retain: boolean, properties: mosquitto_property[] | null): number {
  if (!mosq || !topic) return MOSQ_ERR_INVAL;
  if (payloadlen < 0 || payloadlen > MQTT_MAX_PAYLOAD) return MOSQ_ERR_PAYLOAD_SIZE;
  if (payloadlen > 0 && !payload) return MOSQ_ERR_INVAL;

  if (mosquitto_pub_topic_check(topic)) return MOSQ_ERR_INVAL;
  if (mosquitto_validate_utf8(topic, Buffer.byteLength(topic))) return MOSQ_ERR_MALFORMED_UTF8;

  if (properties) {
    if (mosq.protocol !== mosq_p_mqtt5) {
      return MOSQ_ERR_NOT_SUPPORTED;
    }
    for (const p of properties) {
      const rc = mosquitto_property_check_command(CMD_WILL, p.identifier);
      if (rc) return rc;
    }
  }

  mosq.will = {
    properties: null,
    timestamp: 0,
    state: mosq_ms_invalid,
    dup: false,
    msg: { mid: 0, topic, payload: null, payloadlen, qos, retain },
    expiry_interval: 0,
  };
  if (mosq.will.msg.payloadlen > 0) {
    /* Keep a private copy: the caller may reuse its buffer. */
    mosq.will.msg.payload = Buffer.from(payload!.subarray(0, payloadlen));
  }
  mosq.will.properties = properties;

  return MOSQ_ERR_SUCCESS;
}

/** Drops a client's will, and with it any pending will delay. */
export function will__clear(mosq: mosquitto): number {
  if (!mosq.will) return MOSQ_ERR_SUCCESS;

  mosq.will.msg.topic = null;
  mosq.will.msg.payload = null;
  mosq.will.properties = null;

  mosq.will = null;
  mosq.will_delay_interval = 0;

  return MOSQ_ERR_SUCCESS;
}
