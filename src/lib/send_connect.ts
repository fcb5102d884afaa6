/**
 * The CONNECT packet of lib/send_connect.c, in the broker's build: a bridge opening its
 * connection to the remote broker.
 * @module
 */
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_PROTOCOL,
  MOSQ_LOG_DEBUG,
  MQTT_PROTOCOL_V31,
  MQTT_PROTOCOL_V311,
  MQTT_PROTOCOL_V5,
} from '../include/mosquitto.js';
import { CMD_CONNECT, MQTT_PROP_RECEIVE_MAXIMUM, PROTOCOL_NAME, PROTOCOL_NAME_v31 } from '../include/mqtt_protocol.js';
import { log__printf } from '../broker/logging.js';
import { mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__alloc, packet__new, packet__queue } from './packet_mosq.js';
import {
  packet__varint_bytes,
  packet__write_byte,
  packet__write_bytes,
  packet__write_string,
  packet__write_uint16,
  packet__write_varint,
} from './packet_datatypes.js';
import {
  mosquitto_property_add_int16,
  mosquitto_property_free_all,
  mosquitto_property_read_int16,
  property__get_length_all,
  property__get_remaining_length,
  property__write_all,
} from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';

/**
 * Builds and queues CONNECT. A bridge identifies itself with its remote client id, username and
 * password; its will (the notification "0") goes along unless notifications are local only, and
 * with try_private a 3.x bridge marks the protocol version byte with 0x80.
 * @adapted the will payload is bytes (a Buffer), written as length + bytes, the wire form C's
 *   packet__write_string gives it
 */
export function send__connect(mosq: mosquitto, keepalive: number, clean_session: boolean,
    properties: mosquitto_property[] | null): number {
  let will = 0;
  let version: number;
  let headerlen: number;
  let proplen = 0;
  let local_props: mosquitto_property[] | null = null;

  if (mosq.protocol === mosq_p_mqtt31 && !mosq.id) return MOSQ_ERR_PROTOCOL;

  let clientid: string | null;
  let username: string | null;
  let password: string | null;
  if (mosq.bridge) {
    clientid = mosq.bridge.remote_clientid;
    username = mosq.bridge.remote_username;
    password = mosq.bridge.remote_password;
  } else {
    clientid = mosq.id;
    username = mosq.username;
    password = mosq.password ? mosq.password.toString('utf8') : null;
  }

  if (mosq.protocol === mosq_p_mqtt5) {
    /* Properties the options call for, unless the caller gave them already. */
    const receive_maximum = mosquitto_property_read_int16(properties, MQTT_PROP_RECEIVE_MAXIMUM, false);
    if (!receive_maximum) {
      const added = mosquitto_property_add_int16(local_props, MQTT_PROP_RECEIVE_MAXIMUM, mosq.msgs_in.inflight_maximum);
      if (added.rc) return added.rc;
      local_props = added.proplist;
    } else {
      mosq.msgs_in.inflight_maximum = receive_maximum.value;
      mosq.msgs_in.inflight_quota = receive_maximum.value;
    }

    version = MQTT_PROTOCOL_V5;
    headerlen = 10;
    proplen = 0;
    proplen += property__get_length_all(properties);
    proplen += property__get_length_all(local_props);
    const varbytes = packet__varint_bytes(proplen);
    headerlen += proplen + varbytes;
  } else if (mosq.protocol === mosq_p_mqtt311) {
    version = MQTT_PROTOCOL_V311;
    headerlen = 10;
  } else if (mosq.protocol === mosq_p_mqtt31) {
    version = MQTT_PROTOCOL_V31;
    headerlen = 12;
  } else {
    return MOSQ_ERR_INVAL;
  }

  const packet = packet__new();

  let payloadlen = clientid ? 2 + Buffer.byteLength(clientid) : 2;
  if (mosq.will && (mosq.bridge === null || mosq.bridge.notifications_local_only === false)) {
    will = 1;
    payloadlen += 2 + Buffer.byteLength(mosq.will.msg.topic!) + 2 + mosq.will.msg.payloadlen;
    if (mosq.protocol === mosq_p_mqtt5) {
      payloadlen += property__get_remaining_length(mosq.will.properties);
    }
  }

  /* MQTT 3.x allows no password without a username; past this check neither needs testing again. */
  if (mosq.protocol === mosq_p_mqtt31 || mosq.protocol === mosq_p_mqtt311) {
    if (password !== null && username === null) {
      return MOSQ_ERR_INVAL;
    }
  }

  if (username) {
    payloadlen += 2 + Buffer.byteLength(username);
  }
  if (password) {
    payloadlen += 2 + Buffer.byteLength(password);
  }

  packet.command = CMD_CONNECT;
  packet.remaining_length = headerlen + payloadlen;
  const rc = packet__alloc(packet);
  if (rc) return rc;

  /* Variable header */
  if (version === MQTT_PROTOCOL_V31) {
    packet__write_string(packet, PROTOCOL_NAME_v31, PROTOCOL_NAME_v31.length);
  } else {
    packet__write_string(packet, PROTOCOL_NAME, PROTOCOL_NAME.length);
  }
  if (mosq.bridge && mosq.bridge.protocol_version !== mosq_p_mqtt5 && mosq.bridge.try_private
      && mosq.bridge.try_private_accepted) {
    version |= 0x80;
  }
  packet__write_byte(packet, version);
  let byte = (clean_session ? 1 : 0) << 1;
  if (will) {
    byte |= ((mosq.will!.msg.qos & 0x3) << 3) | ((will & 0x1) << 2);
    if (mosq.retain_available) {
      byte |= (mosq.will!.msg.retain ? 1 : 0) << 5;
    }
  }
  if (username) {
    byte |= 0x1 << 7;
  }
  /* As in C, the password flag follows the context's password, not the bridge's. */
  if (mosq.password) {
    byte |= 0x1 << 6;
  }
  packet__write_byte(packet, byte);
  packet__write_uint16(packet, keepalive);

  if (mosq.protocol === mosq_p_mqtt5) {
    packet__write_varint(packet, proplen);
    property__write_all(packet, properties, false);
    property__write_all(packet, local_props, false);
  }
  mosquitto_property_free_all(local_props);

  /* Payload */
  if (clientid) {
    packet__write_string(packet, clientid, Buffer.byteLength(clientid));
  } else {
    packet__write_uint16(packet, 0);
  }
  if (will) {
    const msg = mosq.will!.msg;
    if (mosq.protocol === mosq_p_mqtt5) {
      property__write_all(packet, mosq.will!.properties, true);
    }
    packet__write_string(packet, msg.topic, Buffer.byteLength(msg.topic!));
    packet__write_uint16(packet, msg.payloadlen);
    if (msg.payloadlen > 0) {
      packet__write_bytes(packet, msg.payload!, msg.payloadlen);
    }
  }

  if (username) {
    packet__write_string(packet, username, Buffer.byteLength(username));
  }
  if (password) {
    packet__write_string(packet, password, Buffer.byteLength(password));
  }

  mosq.keepalive = keepalive;
  log__printf(mosq, MOSQ_LOG_DEBUG, `Bridge ${clientid} sending CONNECT`);
  return packet__queue(mosq, packet);
}
