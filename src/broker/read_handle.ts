/**
 * The broker's packet dispatcher of src/read_handle.c: one complete packet in, the handler for
 * its type called, and for MQTT 5 a DISCONNECT with the matching reason when a handler fails.
 * @module
 */
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_QOS_NOT_SUPPORTED,
  MOSQ_ERR_RETAIN_NOT_SUPPORTED,
  MOSQ_ERR_TOPIC_ALIAS_INVALID,
  MOSQ_ERR_UNKNOWN,
} from '../include/mosquitto.js';
import {
  CMD_AUTH,
  CMD_CONNACK,
  CMD_CONNECT,
  CMD_DISCONNECT,
  CMD_PINGREQ,
  CMD_PINGRESP,
  CMD_PUBACK,
  CMD_PUBCOMP,
  CMD_PUBLISH,
  CMD_PUBREC,
  CMD_PUBREL,
  CMD_SUBACK,
  CMD_SUBSCRIBE,
  CMD_UNSUBACK,
  CMD_UNSUBSCRIBE,
  MQTT_RC_MALFORMED_PACKET,
  MQTT_RC_PROTOCOL_ERROR,
  MQTT_RC_QOS_NOT_SUPPORTED,
  MQTT_RC_RETAIN_NOT_SUPPORTED,
  MQTT_RC_TOPIC_ALIAS_INVALID,
  MQTT_RC_UNSPECIFIED,
} from '../include/mqtt_protocol.js';
import { handle__pingreq, handle__pingresp } from '../lib/handle_ping.js';
import { handle__pubackcomp } from '../lib/handle_pubackcomp.js';
import { handle__pubrec } from '../lib/handle_pubrec.js';
import { handle__pubrel } from '../lib/handle_pubrel.js';
import { handle__suback } from '../lib/handle_suback.js';
import { handle__unsuback } from '../lib/handle_unsuback.js';
import { mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { send__disconnect } from '../lib/send_disconnect.js';
import { handle__auth } from './handle_auth.js';
import { handle__connack } from './handle_connack.js';
import { handle__connect } from './handle_connect.js';
import { handle__disconnect } from './handle_disconnect.js';
import { handle__publish } from './handle_publish.js';
import { handle__subscribe } from './handle_subscribe.js';
import { handle__unsubscribe } from './handle_unsubscribe.js';

/** Hands a complete incoming packet to the handler for its type. */
export function handle__packet(context: mosquitto): number {
  let rc: number;

  if (!context) return MOSQ_ERR_INVAL;

  switch (context.in_packet.command & 0xf0) {
    case CMD_PINGREQ:
      return handle__pingreq(context);
    case CMD_PINGRESP:
      return handle__pingresp(context);
    case CMD_PUBACK:
      return handle__pubackcomp(context, 'PUBACK');
    case CMD_PUBCOMP:
      return handle__pubackcomp(context, 'PUBCOMP');
    case CMD_PUBLISH:
      rc = handle__publish(context);
      break;
    case CMD_PUBREC:
      return handle__pubrec(context);
    case CMD_PUBREL:
      return handle__pubrel(context);
    case CMD_CONNECT:
      return handle__connect(context);
    case CMD_DISCONNECT:
      return handle__disconnect(context);
    case CMD_SUBSCRIBE:
      rc = handle__subscribe(context);
      break;
    case CMD_UNSUBSCRIBE:
      rc = handle__unsubscribe(context);
      break;
    case CMD_CONNACK:
      return handle__connack(context);
    case CMD_SUBACK:
      return handle__suback(context);
    case CMD_UNSUBACK:
      return handle__unsuback(context);
    case CMD_AUTH:
      return handle__auth(context);
    default:
      rc = MOSQ_ERR_PROTOCOL;
  }

  if (context.protocol === mosq_p_mqtt5) {
    if (rc === MOSQ_ERR_PROTOCOL) {
      send__disconnect(context, MQTT_RC_PROTOCOL_ERROR, null);
    } else if (rc === MOSQ_ERR_MALFORMED_PACKET) {
      send__disconnect(context, MQTT_RC_MALFORMED_PACKET, null);
    } else if (rc === MOSQ_ERR_QOS_NOT_SUPPORTED) {
      send__disconnect(context, MQTT_RC_QOS_NOT_SUPPORTED, null);
    } else if (rc === MOSQ_ERR_RETAIN_NOT_SUPPORTED) {
      send__disconnect(context, MQTT_RC_RETAIN_NOT_SUPPORTED, null);
    } else if (rc === MOSQ_ERR_TOPIC_ALIAS_INVALID) {
      send__disconnect(context, MQTT_RC_TOPIC_ALIAS_INVALID, null);
    } else if (rc === MOSQ_ERR_UNKNOWN || rc === MOSQ_ERR_NOMEM) {
      send__disconnect(context, MQTT_RC_UNSPECIFIED, null);
    }
  }
  return rc;
}
