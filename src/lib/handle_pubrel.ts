/**
 * Receiving PUBREL (lib/handle_pubrel.c), in the broker's build: the client releases an incoming
 * QoS 2 message, which the broker now delivers, and the flow ends with PUBCOMP.
 * @module
 */
import { MOSQ_ERR_NOT_FOUND, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_PUBREL } from '../include/mqtt_protocol.js';
import { db__message_release_incoming } from '../broker/database.js';
import { log__enabled, log__printf } from '../broker/logging.js';
import { mosq_cs_active, mosq_p_mqtt31, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__read_byte, packet__read_uint16 } from './packet_datatypes.js';
import { property__read_all } from './property_mosq.js';
import { send__pubcomp } from './send_mosq.js';
import { mosquitto__get_state } from './util_mosq.js';

/**
 * Handles PUBREL: checks the fixed-header flags (0x02 except under MQTT 3.1), delivers the
 * released message and answers PUBCOMP, even for an unknown id, since that may be a PUBREL
 * repeated after a reconnect.
 */
export function handle__pubrel(mosq: mosquitto): number {
  let rc: number;

  if (mosquitto__get_state(mosq) !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }

  if (mosq.protocol !== mosq_p_mqtt31) {
    if ((mosq.in_packet.command & 0x0f) !== 0x02) {
      return MOSQ_ERR_PROTOCOL;
    }
  }
  const mid_read = packet__read_uint16(mosq.in_packet);
  if (mid_read.rc) return mid_read.rc;
  const mid = mid_read.value;
  if (mid === 0) return MOSQ_ERR_PROTOCOL;

  if (mosq.protocol === mosq_p_mqtt5 && mosq.in_packet.remaining_length > 2) {
    const rc_read = packet__read_byte(mosq.in_packet);
    if (rc_read.rc) return rc_read.rc;

    if (mosq.in_packet.remaining_length > 3) {
      /* Reason String and User Property are read for validity only. */
      const props_read = property__read_all(CMD_PUBREL, mosq.in_packet);
      if (props_read.rc) return props_read.rc;
    }
  }

  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Received PUBREL from ${mosq.id} (Mid: ${mid})`);
  }

  rc = db__message_release_incoming(mosq, mid);
  if (rc === MOSQ_ERR_NOT_FOUND) {
    /* Answer anyway: this can be a PUBREL repeated after the client reconnected. */
  } else if (rc !== MOSQ_ERR_SUCCESS) {
    return rc;
  }

  rc = send__pubcomp(mosq, mid, null);
  if (rc) return rc;

  return MOSQ_ERR_SUCCESS;
}
