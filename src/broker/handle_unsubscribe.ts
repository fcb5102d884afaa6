/**
 * The UNSUBSCRIBE handler of src/handle_unsubscribe.c.
 * @module
 */
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_INFO,
  MOSQ_LOG_UNSUBSCRIBE,
} from '../include/mosquitto.js';
import { MOSQ_ACL_UNSUBSCRIBE } from '../include/mosquitto_plugin.js';
import { CMD_UNSUBSCRIBE, MQTT_RC_NOT_AUTHORIZED } from '../include/mqtt_protocol.js';
import { mosq_cs_active, mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__read_string, packet__read_uint16 } from '../lib/packet_datatypes.js';
import { mosquitto_property_free_all, property__read_all } from '../lib/property_mosq.js';
import { mosquitto_sub_topic_check } from '../lib/util_topic.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';
import { mosquitto_acl_check } from './security.js';
import { send__unsuback } from './send_unsuback.js';
import { sub__remove } from './subs.js';
import type { sub__reason } from './subs.js';

/**
 * Handles an UNSUBSCRIBE: checks the header flags, message id and (MQTT 5) properties, then
 * for each filter validates it, asks the ACL, removes the subscription and records a reason
 * code (0, MQTT_RC_NO_SUBSCRIPTION_EXISTED or MQTT_RC_NOT_AUTHORIZED); finally sends UNSUBACK.
 * The reason code carries over from one filter to the next when a filter does not set it, as
 * in C. Malformed input gives MOSQ_ERR_MALFORMED_PACKET.
 * @adapted the reason-code array grows as a JS array (C doubles a malloc'd buffer); the reason
 *   is a holder that sub__remove writes to
 */
export function handle__unsubscribe(context: mosquitto): number {
  let rc: number;
  const reason: sub__reason = { value: 0 };
  const reason_codes: number[] = [];
  let allowed: boolean;

  if (!context) return MOSQ_ERR_INVAL;

  if (context.state !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }
  log__printf(null, MOSQ_LOG_DEBUG, `Received UNSUBSCRIBE from ${context.id}`);

  if (context.protocol !== mosq_p_mqtt31) {
    if ((context.in_packet.command & 0x0F) !== 0x02) {
      return MOSQ_ERR_MALFORMED_PACKET;
    }
  }
  const r_mid = packet__read_uint16(context.in_packet);
  if (r_mid.rc) return MOSQ_ERR_MALFORMED_PACKET;
  const mid = r_mid.value;
  if (mid === 0) return MOSQ_ERR_MALFORMED_PACKET;

  if (context.protocol === mosq_p_mqtt5) {
    const r_props = property__read_all(CMD_UNSUBSCRIBE, context.in_packet);
    rc = r_props.rc;
    if (rc) {
      /* property__read_all reports a bad property as a protocol error; here it is a malformed packet. */
      if (rc === MOSQ_ERR_PROTOCOL) {
        return MOSQ_ERR_MALFORMED_PACKET;
      } else {
        return rc;
      }
    }
    /* The properties (user properties only) are not used: drop them at once. */
    mosquitto_property_free_all(r_props.properties);
  }

  if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt5) {
    if (context.in_packet.pos === context.in_packet.remaining_length) {
      /* An UNSUBSCRIBE must carry at least one filter. */
      return MOSQ_ERR_MALFORMED_PACKET;
    }
  }

  while (context.in_packet.pos < context.in_packet.remaining_length) {
    const r_sub = packet__read_string(context.in_packet);
    if (r_sub.rc) {
      return MOSQ_ERR_MALFORMED_PACKET;
    }
    const sub = r_sub.str;

    if (!r_sub.length || sub === null) {
      log__printf(null, MOSQ_LOG_INFO,
        `Empty unsubscription string from ${context.id}, disconnecting.`);
      return MOSQ_ERR_MALFORMED_PACKET;
    }
    if (mosquitto_sub_topic_check(sub)) {
      log__printf(null, MOSQ_LOG_INFO,
        `Invalid unsubscription string from ${context.id}, disconnecting.`);
      return MOSQ_ERR_MALFORMED_PACKET;
    }

    allowed = true;
    rc = mosquitto_acl_check(context, sub, 0, null, 0, false, MOSQ_ACL_UNSUBSCRIBE);
    switch (rc) {
      case MOSQ_ERR_SUCCESS:
        break;
      case MOSQ_ERR_ACL_DENIED:
        allowed = false;
        reason.value = MQTT_RC_NOT_AUTHORIZED;
        break;
      default:
        return rc;
    }

    log__printf(null, MOSQ_LOG_DEBUG, `\t${sub}`);
    if (allowed) {
      rc = sub__remove(context, sub, db.subs!, reason);
    } else {
      rc = MOSQ_ERR_SUCCESS;
    }
    log__printf(null, MOSQ_LOG_UNSUBSCRIBE, `${context.id} ${sub}`);
    if (rc) {
      return rc;
    }

    reason_codes.push(reason.value);
  }
  db.persistence_changes++;

  log__printf(null, MOSQ_LOG_DEBUG, `Sending UNSUBACK to ${context.id}`);

  /* No reason string or user properties are sent. */
  return send__unsuback(context, mid, reason_codes.length, Buffer.from(reason_codes), null);
}
