/**
 * The UNSUBACK packet of src/send_unsuback.c.
 * @module
 */
import { CMD_UNSUBACK } from '../include/mqtt_protocol.js';
import { mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__write_bytes, packet__write_uint16 } from '../lib/packet_datatypes.js';
import { packet__alloc, packet__new, packet__queue } from '../lib/packet_mosq.js';
import { property__get_remaining_length, property__write_all } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';

/**
 * Answers an UNSUBSCRIBE: the message id and, for MQTT 5 only, the properties and one reason
 * code per filter. MQTT 3.1/3.1.1 UNSUBACKs carry the message id alone.
 */
export function send__unsuback(mosq: mosquitto, mid: number, reason_code_count: number, reason_codes: Buffer,
    properties: mosquitto_property[] | null): number {
  const packet = packet__new();

  packet.command = CMD_UNSUBACK;
  packet.remaining_length = 2;

  if (mosq.protocol === mosq_p_mqtt5) {
    packet.remaining_length += property__get_remaining_length(properties);
    packet.remaining_length += reason_code_count;
  }

  const rc = packet__alloc(packet);
  if (rc) {
    return rc;
  }

  packet__write_uint16(packet, mid);

  if (mosq.protocol === mosq_p_mqtt5) {
    property__write_all(packet, properties, true);
    packet__write_bytes(packet, reason_codes, reason_code_count);
  }

  return packet__queue(mosq, packet);
}
