/**
 * Sending PUBLISH (lib/send_publish.c), in the broker's build: the debug log line, bridge topic
 * remapping for outgoing bridge topics, and building the packet with its MQTT 5 properties.
 * @module
 */
import { MOSQ_ERR_NO_CONN, MOSQ_ERR_OVERSIZE_PACKET, MOSQ_LOG_DEBUG, MOSQ_LOG_NOTICE } from '../include/mosquitto.js';
import { CMD_PUBLISH, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL } from '../include/mqtt_protocol.js';
import { bd_both, bd_out } from '../broker/mosquitto_broker_internal.js';
import { log__enabled, log__printf } from '../broker/logging.js';
import { g } from '../broker/sys_tree.js';
import { mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__alloc, packet__check_oversize, packet__new, packet__queue } from './packet_mosq.js';
import {
  packet__varint_bytes,
  packet__write_bytes,
  packet__write_string,
  packet__write_uint16,
  packet__write_varint,
} from './packet_datatypes.js';
import { property__get_length_all, property__new, property__write_all } from './property_mosq.js';
import type { mosquitto_property } from './property_mosq.js';
import { mosquitto_topic_matches_sub } from './util_topic.js';

/**
 * Sends a PUBLISH to a connected client: logs it, counts the payload bytes and, on a bridge
 * with topic remapping, rewrites a matching topic from its local to its remote prefix first.
 */
export function send__publish(mosq: mosquitto, mid: number, topic: string | null, payloadlen: number, payload: Buffer,
    qos: number, retain: boolean, dup: boolean, cmsg_props: mosquitto_property[] | null,
    store_props: mosquitto_property[] | null, expiry_interval: number): number {
  if (mosq.sock === null) return MOSQ_ERR_NO_CONN;

  if (!mosq.retain_available) {
    retain = false;
  }

  if (mosq.bridge && mosq.bridge.topics && mosq.bridge.topic_remapping) {
    for (let i = 0; i < mosq.bridge.topic_count; i++) {
      const cur_topic = mosq.bridge.topics[i];
      if ((cur_topic.direction === bd_both || cur_topic.direction === bd_out)
          && (cur_topic.remote_prefix || cur_topic.local_prefix)) {
        /* This topic may need remapping, if the message matches it. */
        const { rc, result: match } = mosquitto_topic_matches_sub(cur_topic.local_topic, topic);
        if (rc) {
          return rc;
        }
        if (match) {
          let mapped_topic = topic!;
          if (cur_topic.local_prefix) {
            /* Strip the local prefix. */
            if (mapped_topic.startsWith(cur_topic.local_prefix)) {
              mapped_topic = mapped_topic.substring(cur_topic.local_prefix.length);
            }
          }

          if (cur_topic.remote_prefix) {
            /* Add the remote prefix. */
            mapped_topic = `${cur_topic.remote_prefix}${mapped_topic}`;
          }
          if (log__enabled(MOSQ_LOG_DEBUG)) {
            log__printf(null, MOSQ_LOG_DEBUG, `Sending PUBLISH to ${mosq.id} (d${Number(dup)}, q${qos}, r${Number(retain)}, m${mid}, '${mapped_topic}', ... (${payloadlen} bytes))`);
          }
          g.g_pub_bytes_sent += payloadlen;
          return send__real_publish(mosq, mid, mapped_topic, payloadlen, payload, qos, retain, dup, cmsg_props, store_props, expiry_interval);
        }
      }
    }
  }
  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Sending PUBLISH to ${mosq.id} (d${Number(dup)}, q${qos}, r${Number(retain)}, m${mid}, '${topic}', ... (${payloadlen} bytes))`);
  }
  g.g_pub_bytes_sent += payloadlen;

  return send__real_publish(mosq, mid, topic, payloadlen, payload, qos, retain, dup, cmsg_props, store_props, expiry_interval);
}

/**
 * Builds the PUBLISH packet and queues it. Under MQTT 5 the packet carries the per-client
 * properties, the message's own properties and the remaining expiry interval. A packet larger
 * than the client's Maximum Packet Size is not sent: MOSQ_ERR_OVERSIZE_PACKET.
 */
export function send__real_publish(mosq: mosquitto, mid: number, topic: string | null, payloadlen: number, payload: Buffer,
    qos: number, retain: boolean, dup: boolean, cmsg_props: mosquitto_property[] | null,
    store_props: mosquitto_property[] | null, expiry_interval: number): number {
  let packetlen: number;
  let proplen = 0;
  let expiry_prop: mosquitto_property[] | null = null;

  if (topic) {
    packetlen = 2 + Buffer.byteLength(topic) + payloadlen;
  } else {
    packetlen = 2 + payloadlen;
  }
  if (qos > 0) packetlen += 2; /* the message id */
  if (mosq.protocol === mosq_p_mqtt5) {
    proplen = 0;
    proplen += property__get_length_all(cmsg_props);
    proplen += property__get_length_all(store_props);
    if (expiry_interval > 0) {
      const prop = property__new();
      prop.value.i32 = expiry_interval;
      prop.identifier = MQTT_PROP_MESSAGE_EXPIRY_INTERVAL;
      prop.client_generated = false;
      expiry_prop = [prop];

      proplen += property__get_length_all(expiry_prop);
    }

    const varbytes = packet__varint_bytes(proplen);
    if (varbytes > 4) {
      /* The properties cannot be encoded: send the message without any. */
      cmsg_props = null;
      store_props = null;
      expiry_interval = 0;
    } else {
      packetlen += proplen + varbytes;
    }
  }
  if (packet__check_oversize(mosq, packetlen)) {
    log__printf(null, MOSQ_LOG_NOTICE, `Dropping too large outgoing PUBLISH for ${mosq.id} (${packetlen} bytes)`);
    return MOSQ_ERR_OVERSIZE_PACKET;
  }

  const packet = packet__new();
  packet.mid = mid;
  packet.command = CMD_PUBLISH | ((Number(dup) & 0x1) << 3) | (qos << 1) | Number(retain);
  packet.remaining_length = packetlen;
  const rc = packet__alloc(packet);
  if (rc) {
    return rc;
  }
  /* Variable header: the topic. */
  if (topic) {
    packet__write_string(packet, topic, Buffer.byteLength(topic));
  } else {
    packet__write_uint16(packet, 0);
  }
  if (qos > 0) {
    packet__write_uint16(packet, mid);
  }

  if (mosq.protocol === mosq_p_mqtt5) {
    packet__write_varint(packet, proplen);
    property__write_all(packet, cmsg_props, false);
    property__write_all(packet, store_props, false);
    if (expiry_interval > 0) {
      property__write_all(packet, expiry_prop, false);
    }
  }

  /* The payload. */
  if (payloadlen) {
    packet__write_bytes(packet, payload, payloadlen);
  }

  return packet__queue(mosq, packet);
}
