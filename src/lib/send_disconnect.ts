/**
 * The DISCONNECT packet of lib/send_disconnect.c, as the broker sends it.
 * @module
 */
import { MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_DISCONNECT } from '../include/mqtt_protocol.js';
import { log__printf } from '../broker/logging.js';
import { mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__alloc, packet__new, packet__queue } from './packet_mosq.js';
import { packet__write_byte } from './packet_datatypes.js';
import { property__get_remaining_length, property__write_all } from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';

/**
 * Sends DISCONNECT. Only MQTT 5 carries a reason code (and properties); for older protocols the
 * packet is two bytes.
 */
export function send__disconnect(mosq: mosquitto, reason_code: number, properties: mosquitto_property[] | null): number {
  if (mosq.bridge) {
    log__printf(mosq, MOSQ_LOG_DEBUG, `Bridge ${mosq.id} sending DISCONNECT`);
  } else {
    log__printf(mosq, MOSQ_LOG_DEBUG, `Sending DISCONNECT to ${mosq.id} (rc${reason_code})`);
  }
  const packet = packet__new();
  packet.command = CMD_DISCONNECT;
  const with_body = mosq.protocol === mosq_p_mqtt5 && (reason_code !== 0 || properties);
  if (with_body) {
    packet.remaining_length = 1;
    if (properties) {
      packet.remaining_length += property__get_remaining_length(properties);
    }
  } else {
    packet.remaining_length = 0;
  }
  const rc = packet__alloc(packet);
  if (rc) return rc;
  if (with_body) {
    packet__write_byte(packet, reason_code);
    if (properties) {
      property__write_all(packet, properties, true);
    }
  }
  return packet__queue(mosq, packet);
}
