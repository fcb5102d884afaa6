/**
 * The small fixed-shape packets of lib/send_mosq.c: PINGREQ/PINGRESP and the acknowledgements
 * PUBACK, PUBREC, PUBREL and PUBCOMP.
 * @module
 */
import { MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import {
  CMD_PINGREQ,
  CMD_PINGRESP,
  CMD_PUBACK,
  CMD_PUBCOMP,
  CMD_PUBREC,
  CMD_PUBREL,
} from '../include/mqtt_protocol.js';
import { log__enabled, log__printf } from '../broker/logging.js';
import { mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__alloc, packet__new, packet__queue } from './packet_mosq.js';
import { packet__write_byte, packet__write_uint16 } from './packet_datatypes.js';
import { property__get_remaining_length, property__write_all } from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';
import { mosquitto_time } from './time_mosq.js';
import { util__increment_receive_quota } from './util_mosq.js';

/** Sends PINGREQ (the broker does so only on bridge connections). */
export function send__pingreq(mosq: mosquitto): number {
  log__printf(null, MOSQ_LOG_DEBUG, `Sending PINGREQ to ${mosq.id}`);
  const rc = send__simple_command(mosq, CMD_PINGREQ);
  if (rc === MOSQ_ERR_SUCCESS) {
    mosq.ping_t = mosquitto_time();
  }
  return rc;
}

/** Answers a PINGREQ. */
export function send__pingresp(mosq: mosquitto): number {
  log__printf(null, MOSQ_LOG_DEBUG, `Sending PINGRESP to ${mosq.id}`);
  return send__simple_command(mosq, CMD_PINGRESP);
}

/** Acknowledges a QoS 1 PUBLISH, freeing a receive slot. */
export function send__puback(mosq: mosquitto, mid: number, reason_code: number, properties: mosquitto_property[] | null): number {
  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Sending PUBACK to ${mosq.id} (m${mid}, rc${reason_code})`);
  }
  util__increment_receive_quota(mosq);
  return send__command_with_mid(mosq, CMD_PUBACK, mid, false, reason_code, properties);
}

/** Completes an incoming QoS 2 flow, freeing a receive slot. */
export function send__pubcomp(mosq: mosquitto, mid: number, properties: mosquitto_property[] | null): number {
  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Sending PUBCOMP to ${mosq.id} (m${mid})`);
  }
  util__increment_receive_quota(mosq);
  return send__command_with_mid(mosq, CMD_PUBCOMP, mid, false, 0, properties);
}

/** First answer to a QoS 2 PUBLISH; an error reason ends the flow and frees the slot. */
export function send__pubrec(mosq: mosquitto, mid: number, reason_code: number, properties: mosquitto_property[] | null): number {
  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Sending PUBREC to ${mosq.id} (m${mid}, rc${reason_code})`);
  }
  if (reason_code >= 0x80 && mosq.protocol === mosq_p_mqtt5) {
    util__increment_receive_quota(mosq);
  }
  return send__command_with_mid(mosq, CMD_PUBREC, mid, false, reason_code, properties);
}

/** Second step of an outgoing QoS 2 flow. */
export function send__pubrel(mosq: mosquitto, mid: number, properties: mosquitto_property[] | null): number {
  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Sending PUBREL to ${mosq.id} (m${mid})`);
  }
  return send__command_with_mid(mosq, CMD_PUBREL | 2, mid, false, 0, properties);
}

/**
 * Builds and queues a packet made of a message id and, for MQTT 5, an optional reason code and
 * properties: PUBACK, PUBREC, PUBREL and PUBCOMP.
 */
export function send__command_with_mid(mosq: mosquitto, command: number, mid: number, dup: boolean,
    reason_code: number, properties: mosquitto_property[] | null): number {
  const packet = packet__new();
  packet.command = command;
  if (dup) {
    packet.command |= 8;
  }
  packet.remaining_length = 2;
  if (mosq.protocol === mosq_p_mqtt5) {
    if (reason_code !== 0 || properties) {
      packet.remaining_length += 1;
    }
    if (properties) {
      packet.remaining_length += property__get_remaining_length(properties);
    }
  }
  const rc = packet__alloc(packet);
  if (rc) return rc;

  packet__write_uint16(packet, mid);
  if (mosq.protocol === mosq_p_mqtt5) {
    if (reason_code !== 0 || properties) {
      packet__write_byte(packet, reason_code);
    }
    if (properties) {
      property__write_all(packet, properties, true);
    }
  }
  return packet__queue(mosq, packet);
}

/** Builds and queues a packet with no body: PINGREQ, PINGRESP, or a bare DISCONNECT. */
export function send__simple_command(mosq: mosquitto, command: number): number {
  const packet = packet__new();
  packet.command = command;
  packet.remaining_length = 0;
  const rc = packet__alloc(packet);
  if (rc) return rc;
  return packet__queue(mosq, packet);
}
