/**
 * CONNACK of src/send_connack.c, with the MQTT 5 properties that tell the client the broker's
 * limits (retain available, maximum packet size, receive maximum, maximum QoS).
 * @module
 */
import { MOSQ_ERR_OVERSIZE_PACKET, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import {
  CMD_CONNACK,
  MQTT_PROP_MAXIMUM_PACKET_SIZE,
  MQTT_PROP_MAXIMUM_QOS,
  MQTT_PROP_RECEIVE_MAXIMUM,
  MQTT_PROP_RETAIN_AVAILABLE,
} from '../include/mqtt_protocol.js';
import { mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__alloc, packet__check_oversize, packet__new, packet__queue } from '../lib/packet_mosq.js';
import { packet__write_byte } from '../lib/packet_datatypes.js';
import {
  mosquitto_property_add_byte,
  mosquitto_property_add_int16,
  mosquitto_property_add_int32,
  mosquitto_property_copy_all,
  property__get_remaining_length,
  property__write_all,
} from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';

/** Sends CONNACK with the session-present flag `ack` and `reason_code`. */
export function send__connack(context: mosquitto, ack: number, reason_code: number, properties: mosquitto_property[] | null): number {
  let connack_props = mosquitto_property_copy_all(properties).dest;

  log__printf(null, MOSQ_LOG_DEBUG, `Sending CONNACK to ${context.id ?? context.address} (${ack}, ${reason_code})`);

  let remaining_length = 2;

  if (context.protocol === mosq_p_mqtt5) {
    if (reason_code < 128 && db.config!.retain_available === false) {
      connack_props = mosquitto_property_add_byte(connack_props, MQTT_PROP_RETAIN_AVAILABLE, 0).proplist;
    }
    if (reason_code < 128 && db.config!.max_packet_size > 0) {
      connack_props = mosquitto_property_add_int32(connack_props, MQTT_PROP_MAXIMUM_PACKET_SIZE, db.config!.max_packet_size).proplist;
    }
    if (reason_code < 128 && db.config!.max_inflight_messages > 0) {
      connack_props = mosquitto_property_add_int16(connack_props, MQTT_PROP_RECEIVE_MAXIMUM, db.config!.max_inflight_messages).proplist;
    }
    if (context.listener!.max_qos !== 2) {
      connack_props = mosquitto_property_add_byte(connack_props, MQTT_PROP_MAXIMUM_QOS, context.listener!.max_qos).proplist;
    }
    remaining_length += property__get_remaining_length(connack_props);
  }

  if (packet__check_oversize(context, remaining_length)) {
    return MOSQ_ERR_OVERSIZE_PACKET;
  }

  const packet = packet__new();
  packet.command = CMD_CONNACK;
  packet.remaining_length = remaining_length;

  const rc = packet__alloc(packet);
  if (rc) return rc;
  packet__write_byte(packet, ack);
  packet__write_byte(packet, reason_code);
  if (context.protocol === mosq_p_mqtt5) {
    property__write_all(packet, connack_props, true);
  }
  return packet__queue(context, packet);
}
