/**
 * The UNSUBSCRIBE packet of lib/send_unsubscribe.c, in the broker's build: a bridge dropping
 * remote subscriptions it no longer wants (bridge_attempt_unsubscribe).
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_UNSUBSCRIBE } from '../include/mqtt_protocol.js';
import { log__printf } from '../broker/logging.js';
import type { mosq_out } from '../include/mosquitto_plugin.js';
import { mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__alloc, packet__new, packet__queue } from './packet_mosq.js';
import { packet__write_string, packet__write_uint16 } from './packet_datatypes.js';
import { property__get_remaining_length, property__write_all } from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';
import { mosquitto__mid_generate } from './util_mosq.js';

/**
 * Builds and queues UNSUBSCRIBE for `topic_count` filters.
 * @adapted the new message id is returned in `mid.value` when a holder is given (C: int *mid)
 */
export function send__unsubscribe(mosq: mosquitto, mid: mosq_out<number> | null, topic_count: number,
    topic: readonly string[], properties: mosquitto_property[] | null): number {
  let packetlen = 2;
  for (let i = 0; i < topic_count; i++) {
    const tlen = Buffer.byteLength(topic[i]);
    if (tlen > 0xffff) {
      return MOSQ_ERR_INVAL;
    }
    packetlen += 2 + tlen;
  }

  const packet = packet__new();

  if (mosq.protocol === mosq_p_mqtt5) {
    packetlen += property__get_remaining_length(properties);
  }

  packet.command = CMD_UNSUBSCRIBE | (1 << 1);
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
  }

  for (let i = 0; i < topic_count; i++) {
    log__printf(mosq, MOSQ_LOG_DEBUG, `Bridge ${mosq.id} sending UNSUBSCRIBE (Mid: ${local_mid}, Topic: ${topic[i]})`);
  }
  return packet__queue(mosq, packet);
}
