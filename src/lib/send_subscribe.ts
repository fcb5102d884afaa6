/**
 * The SUBSCRIBE packet of lib/send_subscribe.c, in the broker's build: a bridge subscribing to
 * its `in`/`both` topics on the remote broker.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_SUBSCRIBE } from '../include/mqtt_protocol.js';
import { log__printf } from '../broker/logging.js';
import type { mosq_out } from '../include/mosquitto_plugin.js';
import { mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__alloc, packet__new, packet__queue } from './packet_mosq.js';
import { packet__write_byte, packet__write_string, packet__write_uint16 } from './packet_datatypes.js';
import { property__get_remaining_length, property__write_all } from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';
import { mosquitto__mid_generate } from './util_mosq.js';

/**
 * Builds and queues SUBSCRIBE for `topic_count` filters, each with the same options byte
 * (`topic_qos`: the QoS plus, for MQTT 5, the subscription option bits).
 * @adapted the new message id is returned in `mid.value` when a holder is given (C: int *mid)
 */
export function send__subscribe(mosq: mosquitto, mid: mosq_out<number> | null, topic_count: number,
    topic: readonly string[], topic_qos: number, properties: mosquitto_property[] | null): number {
  let packetlen = 2;
  if (mosq.protocol === mosq_p_mqtt5) {
    packetlen += property__get_remaining_length(properties);
  }
  for (let i = 0; i < topic_count; i++) {
    const tlen = Buffer.byteLength(topic[i]);
    if (tlen > 0xffff) {
      return MOSQ_ERR_INVAL;
    }
    packetlen += 2 + tlen + 1;
  }

  const packet = packet__new();
  packet.command = CMD_SUBSCRIBE | (1 << 1);
  packet.remaining_length = packetlen;
  const rc = packet__alloc(packet);
  if (rc) return rc;

  /* Variable header */
  const local_mid = mosquitto__mid_generate(mosq);
  if (mid) mid.value = local_mid;
  packet__write_uint16(packet, local_mid);

  if (mosq.protocol === mosq_p_mqtt5) {
    property__write_all(packet, properties, true);
  }

  /* Payload */
  for (let i = 0; i < topic_count; i++) {
    packet__write_string(packet, topic[i], Buffer.byteLength(topic[i]));
    packet__write_byte(packet, topic_qos);
  }

  const options = (topic_qos & 0xfc).toString(16).padStart(2, '0');
  log__printf(mosq, MOSQ_LOG_DEBUG,
    `Bridge ${mosq.id} sending SUBSCRIBE (Mid: ${local_mid}, Topic: ${topic[0]}, QoS: ${topic_qos & 0x03}, Options: 0x${options})`);

  return packet__queue(mosq, packet);
}
