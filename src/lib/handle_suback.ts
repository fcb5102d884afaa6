/**
 * SUBACK handling of lib/handle_suback.c, broker side: only a bridge receives SUBACK, and the
 * broker reads it to check it is well formed.
 * @module
 */
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_SUBACK } from '../include/mqtt_protocol.js';
import { log__printf } from '../broker/logging.js';
import { mosq_cs_active, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__read_byte, packet__read_uint16 } from './packet_datatypes.js';
import { property__read_all } from './property_mosq.js';
import { mosquitto__get_state } from './util_mosq.js';

/** Reads a SUBACK: message id, MQTT 5 properties, then one granted QoS per filter. */
export function handle__suback(mosq: mosquitto): number {
  if (mosquitto__get_state(mosq) !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }
  log__printf(null, MOSQ_LOG_DEBUG, `Received SUBACK from ${mosq.id}`);
  const mid = packet__read_uint16(mosq.in_packet);
  if (mid.rc) return mid.rc;
  if (mid.value === 0) return MOSQ_ERR_PROTOCOL;

  if (mosq.protocol === mosq_p_mqtt5) {
    /* The broker has no use for the reason string or user properties. */
    const props = property__read_all(CMD_SUBACK, mosq.in_packet);
    if (props.rc) return props.rc;
  }

  while (mosq.in_packet.pos < mosq.in_packet.remaining_length) {
    const qos = packet__read_byte(mosq.in_packet);
    if (qos.rc) return qos.rc;
  }
  return MOSQ_ERR_SUCCESS;
}
