/**
 * The SUBSCRIBE handler of src/handle_subscribe.c.
 * @module
 */
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUB_EXISTS,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_INFO,
  MOSQ_LOG_SUBSCRIBE,
} from '../include/mosquitto.js';
import { MOSQ_ACL_SUBSCRIBE } from '../include/mosquitto_plugin.js';
import {
  CMD_SUBSCRIBE,
  MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
  MQTT_RC_NOT_AUTHORIZED,
  MQTT_SUB_OPT_NO_LOCAL,
  MQTT_SUB_OPT_RETAIN_AS_PUBLISHED,
  MQTT_SUB_OPT_SEND_RETAIN_ALWAYS,
  MQTT_SUB_OPT_SEND_RETAIN_NEW,
} from '../include/mqtt_protocol.js';
import { mosq_cs_active, mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__read_byte, packet__read_string, packet__read_uint16 } from '../lib/packet_datatypes.js';
import { mosquitto_property_free_all, mosquitto_property_read_varint, property__read_all } from '../lib/property_mosq.js';
import { mosquitto_sub_topic_check } from '../lib/util_topic.js';
import { db__message_write_inflight_out_latest, db__message_write_queued_out } from './database.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';
import { retain__queue } from './retain.js';
import { mosquitto_acl_check } from './security.js';
import { send__suback } from './send_suback.js';
import { sub__add } from './subs.js';

/**
 * Handles a SUBSCRIBE: checks the header flags, message id and (MQTT 5) properties, then for
 * each filter validates it and its options, caps the QoS at the listener's max_qos, prefixes
 * the mount point, asks the ACL, adds the subscription, queues the retained messages the
 * retain-handling option asks for, and collects a granted QoS or failure code; finally sends
 * SUBACK and flushes whatever was queued. Malformed input gives MOSQ_ERR_MALFORMED_PACKET.
 * @adapted the growing SUBACK payload is a JS array turned into a Buffer at the end
 */
export function handle__subscribe(context: mosquitto): number {
  let rc = 0;
  let rc2: number;
  let subscription_identifier = 0;
  let qos: number;
  let retain_handling = 0;
  const payload: number[] = [];
  let allowed: boolean;

  if (!context) return MOSQ_ERR_INVAL;

  if (context.state !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }

  log__printf(null, MOSQ_LOG_DEBUG, `Received SUBSCRIBE from ${context.id}`);

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
    const r_props = property__read_all(CMD_SUBSCRIBE, context.in_packet);
    rc = r_props.rc;
    if (rc) {
      /* property__read_all reports a bad property as a protocol error; here it is a malformed packet. */
      if (rc === MOSQ_ERR_PROTOCOL) {
        return MOSQ_ERR_MALFORMED_PACKET;
      } else {
        return rc;
      }
    }

    const properties = r_props.properties;

    const found = mosquitto_property_read_varint(properties, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, false);
    if (found) {
      subscription_identifier = found.value;
      /* An identifier of 0 is not allowed. */
      if (subscription_identifier === 0) {
        mosquitto_property_free_all(properties);
        return MOSQ_ERR_MALFORMED_PACKET;
      }
    }

    mosquitto_property_free_all(properties);
    /* User properties are ignored. */
  }

  while (context.in_packet.pos < context.in_packet.remaining_length) {
    const r_sub = packet__read_string(context.in_packet);
    if (r_sub.rc) {
      return MOSQ_ERR_MALFORMED_PACKET;
    }
    let sub = r_sub.str;
    const slen = r_sub.length;

    /* An empty filter reads as null and is skipped, options byte and all, as in C. */
    if (sub !== null) {
      if (!slen) {
        log__printf(null, MOSQ_LOG_INFO,
          `Empty subscription string from ${context.address}, disconnecting.`);
        return MOSQ_ERR_MALFORMED_PACKET;
      }
      if (mosquitto_sub_topic_check(sub)) {
        log__printf(null, MOSQ_LOG_INFO,
          `Invalid subscription string from ${context.address}, disconnecting.`);
        return MOSQ_ERR_MALFORMED_PACKET;
      }

      const r_opts = packet__read_byte(context.in_packet);
      if (r_opts.rc) {
        return MOSQ_ERR_MALFORMED_PACKET;
      }
      let subscription_options = r_opts.value;
      if (context.protocol === mosq_p_mqtt31 || context.protocol === mosq_p_mqtt311) {
        qos = subscription_options;
        if (context.is_bridge) {
          subscription_options = MQTT_SUB_OPT_RETAIN_AS_PUBLISHED | MQTT_SUB_OPT_NO_LOCAL;
        }
      } else {
        qos = subscription_options & 0x03;
        subscription_options &= 0xFC;

        retain_handling = (subscription_options & 0x30);
        if (retain_handling === 0x30 || (subscription_options & 0xC0) !== 0) {
          return MOSQ_ERR_MALFORMED_PACKET;
        }
      }
      if (qos > 2) {
        log__printf(null, MOSQ_LOG_INFO,
          `Invalid QoS in subscription command from ${context.address}, disconnecting.`);
        return MOSQ_ERR_MALFORMED_PACKET;
      }
      if (qos > context.max_qos) {
        qos = context.max_qos;
      }

      if (context.listener && context.listener.mount_point) {
        sub = `${context.listener.mount_point}${sub}`;
      }
      log__printf(null, MOSQ_LOG_DEBUG, `\t${sub} (QoS ${qos})`);

      allowed = true;
      rc2 = mosquitto_acl_check(context, sub, 0, null, qos, false, MOSQ_ACL_SUBSCRIBE);
      switch (rc2) {
        case MOSQ_ERR_SUCCESS:
          break;
        case MOSQ_ERR_ACL_DENIED:
          allowed = false;
          if (context.protocol === mosq_p_mqtt5) {
            qos = MQTT_RC_NOT_AUTHORIZED;
          } else if (context.protocol === mosq_p_mqtt311) {
            qos = 0x80;
          }
          break;
        default:
          return rc2;
      }

      if (allowed) {
        rc2 = sub__add(context, sub, qos, subscription_identifier, subscription_options, db.subs!);
        if (rc2 > 0) {
          return rc2;
        }
        if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt31) {
          if (rc2 === MOSQ_ERR_SUCCESS || rc2 === MOSQ_ERR_SUB_EXISTS) {
            if (retain__queue(context, sub, qos, 0)) rc = 1;
          }
        } else {
          if ((retain_handling === MQTT_SUB_OPT_SEND_RETAIN_ALWAYS)
              || (rc2 === MOSQ_ERR_SUCCESS && retain_handling === MQTT_SUB_OPT_SEND_RETAIN_NEW)) {
            if (retain__queue(context, sub, qos, subscription_identifier)) rc = 1;
          }
        }

        log__printf(null, MOSQ_LOG_SUBSCRIBE, `${context.id} ${qos} ${sub}`);
      }

      payload.push(qos);
    }
  }

  if (context.protocol !== mosq_p_mqtt31) {
    if (payload.length === 0) {
      /* A SUBSCRIBE must carry at least one filter. */
      return MOSQ_ERR_MALFORMED_PACKET;
    }
  }
  if (send__suback(context, mid, payload.length, Buffer.from(payload))) rc = 1;

  db.persistence_changes++;

  if (context.current_out_packet === null) {
    rc = db__message_write_queued_out(context);
    if (rc) return rc;
    rc = db__message_write_inflight_out_latest(context);
    if (rc) return rc;
  }

  return rc;
}
