/**
 * The SUBACK packet of src/send_suback.c.
 * @module
 */
import { MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_SUBACK } from '../include/mqtt_protocol.js';
import { mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__write_bytes, packet__write_uint16 } from '../lib/packet_datatypes.js';
import { packet__alloc, packet__new, packet__queue } from '../lib/packet_mosq.js';
import { property__get_remaining_length, property__write_all } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { log__printf } from './logging.js';

/**
 * Answers a SUBSCRIBE: the message id, for MQTT 5 an empty property list, then one granted QoS
 * or failure code per filter (`payload`).
 */
export function send__suback(context: mosquitto, mid: number, payloadlen: number, payload: Buffer): number {
  /* The broker sends no SUBACK properties (reason string, user properties). */
  const properties: mosquitto_property[] | null = null;

  log__printf(null, MOSQ_LOG_DEBUG, `Sending SUBACK to ${context.id}`);

  const packet = packet__new();

  packet.command = CMD_SUBACK;
  packet.remaining_length = 2 + payloadlen;
  if (context.protocol === mosq_p_mqtt5) {
    packet.remaining_length += property__get_remaining_length(properties);
  }
  const rc = packet__alloc(packet);
  if (rc) {
    return rc;
  }
  packet__write_uint16(packet, mid);

  if (context.protocol === mosq_p_mqtt5) {
    property__write_all(packet, properties, true);
  }

  if (payloadlen) {
    packet__write_bytes(packet, payload, payloadlen);
  }

  return packet__queue(context, packet);
}
