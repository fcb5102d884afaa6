/**
 * CONNACK handling of src/handle_connack.c: the broker receives CONNACK only on a bridge it
 * opened. Any other client sending one is refused.
 * @module
 */
import {
  MOSQ_ERR_CONN_LOST,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_ERR,
  MOSQ_LOG_NOTICE,
} from '../include/mosquitto.js';
import {
  CMD_CONNACK,
  CONNACK_REFUSED_BAD_USERNAME_PASSWORD,
  CONNACK_REFUSED_IDENTIFIER_REJECTED,
  CONNACK_REFUSED_NOT_AUTHORIZED,
  CONNACK_REFUSED_PROTOCOL_VERSION,
  CONNACK_REFUSED_SERVER_UNAVAILABLE,
  MQTT_PROP_MAXIMUM_PACKET_SIZE,
  MQTT_PROP_MAXIMUM_QOS,
  MQTT_PROP_RECEIVE_MAXIMUM,
  MQTT_PROP_RETAIN_AVAILABLE,
  MQTT_PROP_SERVER_KEEP_ALIVE,
  MQTT_RC_QOS_NOT_SUPPORTED,
  MQTT_RC_RETAIN_NOT_SUPPORTED,
  MQTT_RC_SUCCESS,
} from '../include/mqtt_protocol.js';
import { mosq_cs_active, mosq_p_mqtt311, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__read_byte } from '../lib/packet_datatypes.js';
import {
  mosquitto_property_read_byte,
  mosquitto_property_read_int16,
  mosquitto_property_read_int32,
  property__read_all,
} from '../lib/property_mosq.js';
import { mosquitto_reason_string } from '../lib/strings_mosq.js';
import { mosquitto__set_state } from '../lib/util_mosq.js';
import { bridge__on_connect } from './bridge.js';
import { db__message_write_inflight_out_all, db__message_write_queued_out } from './database.js';
import { log__printf } from './logging.js';

/**
 * The log text for an MQTT 3.x CONNACK refusal code.
 * @tsonly the switch of handle__connack's refusal branch, lifted out
 */
function connack_refusal_text(reason_code: number): string {
  switch (reason_code) {
    case CONNACK_REFUSED_PROTOCOL_VERSION:
      return 'Connection Refused: unacceptable protocol version';
    case CONNACK_REFUSED_IDENTIFIER_REJECTED:
      return 'Connection Refused: identifier rejected';
    case CONNACK_REFUSED_SERVER_UNAVAILABLE:
    case CONNACK_REFUSED_BAD_USERNAME_PASSWORD:
      /* mosquitto 2.0.11 logs "broker unavailable" for a bad username or password too. */
      return 'Connection Refused: broker unavailable';
    case CONNACK_REFUSED_NOT_AUTHORIZED:
      return 'Connection Refused: not authorised';
    default:
      return 'Connection Refused: unknown reason';
  }
}

/**
 * Reads the remote broker's CONNACK on a bridge: adopts its MQTT 5 limits and, when accepted,
 * starts sending what was queued; a refusal drops the connection so the bridge retries.
 */
export function handle__connack(context: mosquitto): number {
  let max_qos = 255;

  if (context === null || context.bridge === null) {
    return MOSQ_ERR_INVAL;
  }
  log__printf(null, MOSQ_LOG_DEBUG, `Received CONNACK on connection ${context.id}.`);
  const ack = packet__read_byte(context.in_packet);
  if (ack.rc) return MOSQ_ERR_MALFORMED_PACKET;
  const reason = packet__read_byte(context.in_packet);
  if (reason.rc) return MOSQ_ERR_MALFORMED_PACKET;
  const reason_code = reason.value;

  if (context.protocol === mosq_p_mqtt5) {
    if (context.in_packet.remaining_length === 2 && reason_code === CONNACK_REFUSED_PROTOCOL_VERSION) {
      /* The remote broker only speaks MQTT 3.x: retry with 3.1.1. */
      log__printf(null, MOSQ_LOG_NOTICE,
        `Warning: Remote bridge ${context.bridge.name} does not support MQTT v5.0, reconnecting using MQTT v3.1.1.`);
      context.protocol = mosq_p_mqtt311;
      context.bridge.protocol_version = mosq_p_mqtt311;
      return MOSQ_ERR_PROTOCOL;
    }

    const props = property__read_all(CMD_CONNACK, context.in_packet);
    if (props.rc) return props.rc;
    const properties = props.properties;

    const qos = mosquitto_property_read_byte(properties, MQTT_PROP_MAXIMUM_QOS, false);
    if (qos) max_qos = qos.value;

    const maximum_packet_size = mosquitto_property_read_int32(properties, MQTT_PROP_MAXIMUM_PACKET_SIZE, false);
    if (maximum_packet_size) {
      if (context.maximum_packet_size === 0 || context.maximum_packet_size > maximum_packet_size.value) {
        context.maximum_packet_size = maximum_packet_size.value;
      }
    }
    const receive_maximum = mosquitto_property_read_int16(properties, MQTT_PROP_RECEIVE_MAXIMUM, false);
    if (receive_maximum) context.msgs_out.inflight_maximum = receive_maximum.value;
    context.msgs_out.inflight_quota = context.msgs_out.inflight_maximum;

    const retain_available = mosquitto_property_read_byte(properties, MQTT_PROP_RETAIN_AVAILABLE, false);
    if (retain_available) {
      /* The remote's answer only matters when retain is allowed locally. */
      if (context.retain_available) {
        context.retain_available = retain_available.value !== 0;
      }
    }
    const server_keepalive = mosquitto_property_read_int16(properties, MQTT_PROP_SERVER_KEEP_ALIVE, false);
    if (server_keepalive) {
      context.keepalive = server_keepalive.value;
    }
  }

  if (reason_code === MQTT_RC_SUCCESS) {
    if (context.bridge) {
      const rc = bridge__on_connect(context);
      if (rc) return rc;
    }
    if (max_qos !== 255) {
      context.max_qos = max_qos;
    }
    mosquitto__set_state(context, mosq_cs_active);
    const rc = db__message_write_queued_out(context);
    if (rc) return rc;
    return db__message_write_inflight_out_all(context);
  }
  if (context.protocol === mosq_p_mqtt5) {
    switch (reason_code) {
      case MQTT_RC_RETAIN_NOT_SUPPORTED:
        context.retain_available = false;
        log__printf(null, MOSQ_LOG_ERR, 'Connection Refused: retain not available (will retry)');
        return MOSQ_ERR_CONN_LOST;
      case MQTT_RC_QOS_NOT_SUPPORTED:
        if (max_qos === 255) {
          if (context.max_qos !== 0) {
            context.max_qos--;
          }
        } else {
          context.max_qos = max_qos;
        }
        log__printf(null, MOSQ_LOG_ERR, 'Connection Refused: QoS not supported (will retry)');
        return MOSQ_ERR_CONN_LOST;
      default:
        log__printf(null, MOSQ_LOG_ERR, `Connection Refused: ${mosquitto_reason_string(reason_code)}`);
        return MOSQ_ERR_CONN_LOST;
    }
  }
  if (reason_code === CONNACK_REFUSED_PROTOCOL_VERSION) {
    context.bridge.try_private_accepted = false;
  }
  log__printf(null, MOSQ_LOG_ERR, connack_refusal_text(reason_code));
  return MOSQ_ERR_CONN_LOST;
}
