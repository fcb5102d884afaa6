/**
 * Receiving PUBLISH from a client (src/handle_publish.c): validate the packet, resolve topic
 * aliases, apply the listener's mount point, check access, store the message once and hand it
 * to the subscribers, answering with PUBACK or PUBREC as its QoS requires.
 * @module
 */
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_QOS_NOT_SUPPORTED,
  MOSQ_ERR_RETAIN_NOT_SUPPORTED,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TOPIC_ALIAS_INVALID,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_INFO,
  MOSQ_LOG_WARNING,
} from '../include/mosquitto.js';
import { MOSQ_ACL_WRITE } from '../include/mosquitto_plugin.js';
import {
  CMD_PUBLISH,
  MQTT_PROP_CONTENT_TYPE,
  MQTT_PROP_CORRELATION_DATA,
  MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
  MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
  MQTT_PROP_RESPONSE_TOPIC,
  MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
  MQTT_PROP_TOPIC_ALIAS,
  MQTT_PROP_USER_PROPERTY,
  MQTT_RC_NO_MATCHING_SUBSCRIBERS,
  MQTT_RC_NOT_AUTHORIZED,
  MQTT_RC_PACKET_TOO_LARGE,
  MQTT_RC_QUOTA_EXCEEDED,
} from '../include/mqtt_protocol.js';
import { alias__add, alias__find } from '../lib/alias_mosq.js';
import { memory__allocation_allowed } from '../lib/memory_mosq.js';
import { mosq_cs_active, mosq_md_in, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__read_bytes, packet__read_string, packet__read_uint16 } from '../lib/packet_datatypes.js';
import { property__read_all } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { send__puback, send__pubrec } from '../lib/send_mosq.js';
import { util__decrement_receive_quota } from '../lib/util_mosq.js';
import { mosquitto_pub_topic_check } from '../lib/util_topic.js';
import { bridge__remap_topic_in } from './bridge_topic.js';
import { control__process } from './control.js';
import {
  db__message_insert,
  db__message_remove_incoming,
  db__message_store,
  db__message_store_find,
  db__message_write_queued_in,
  db__msg_store_free,
  db__msg_store_new,
  db__ready_for_flight,
  db__ready_for_queue,
} from './database.js';
import { log__enabled, log__printf } from './logging.js';
import { db, mosq_mo_client } from './mosquitto_broker_internal.js';
import type { mosquitto_msg_store } from './mosquitto_broker_internal.js';
import { plugin__handle_message } from './plugin.js';
import { mosquitto_acl_check } from './security.js';
import { sub__messages_queue } from './subs.js';
import { g } from './sys_tree.js';

/**
 * Handles an incoming PUBLISH. Protocol violations return the error that ends the connection;
 * a message the broker refuses (too large, denied, over quota) is acknowledged with the matching
 * MQTT 5 reason code and dropped, so the client does not resend it.
 * @adapted the payload is kept as a view of the incoming packet's buffer rather than copied;
 *   `goto process_bad_message` becomes a labelled block, which is only left with a message in hand
 */
export function handle__publish(context: mosquitto): number {
  let dup: number;
  let rc: number;
  let rc2: number;
  const header = context.in_packet.command;
  let res: number;
  let stored: mosquitto_msg_store | null = null;
  let message_expiry_interval = 0;
  let topic_alias = -1;
  let reason_code: number;
  let mid = 0;

  if (context.state !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }

  const msg = db__msg_store_new();

  process_bad_message: {
    dup = (header & 0x08) >> 3;
    msg.qos = (header & 0x06) >> 1;
    if (msg.qos === 3) {
      log__printf(null, MOSQ_LOG_INFO,
          `Invalid QoS in PUBLISH from ${context.id}, disconnecting.`);
      db__msg_store_free(msg);
      return MOSQ_ERR_MALFORMED_PACKET;
    }
    if (msg.qos > context.max_qos) {
      log__printf(null, MOSQ_LOG_INFO,
          `Too high QoS in PUBLISH from ${context.id}, disconnecting.`);
      db__msg_store_free(msg);
      return MOSQ_ERR_QOS_NOT_SUPPORTED;
    }
    msg.retain = (header & 0x01) !== 0;

    if (msg.retain && db.config!.retain_available === false) {
      db__msg_store_free(msg);
      return MOSQ_ERR_RETAIN_NOT_SUPPORTED;
    }

    const topic_read = packet__read_string(context.in_packet);
    if (topic_read.rc) {
      db__msg_store_free(msg);
      return MOSQ_ERR_MALFORMED_PACKET;
    }
    msg.topic = topic_read.str;
    const slen = topic_read.length;
    if (!slen && context.protocol !== mosq_p_mqtt5) {
      /* An empty topic is only allowed with a topic alias, which needs MQTT 5. */
      db__msg_store_free(msg);
      return MOSQ_ERR_MALFORMED_PACKET;
    }

    if (msg.qos > 0) {
      const mid_read = packet__read_uint16(context.in_packet);
      if (mid_read.rc) {
        db__msg_store_free(msg);
        return MOSQ_ERR_MALFORMED_PACKET;
      }
      mid = mid_read.value;
      if (mid === 0) {
        db__msg_store_free(msg);
        return MOSQ_ERR_PROTOCOL;
      }
      /* Keep our own copy of the id: msg may be gone by the time we acknowledge. */
      msg.source_mid = mid;
    }

    /* Properties */
    if (context.protocol === mosq_p_mqtt5) {
      const props_read = property__read_all(CMD_PUBLISH, context.in_packet);
      rc = props_read.rc;
      if (rc) {
        db__msg_store_free(msg);
        if (rc === MOSQ_ERR_PROTOCOL) {
          return MOSQ_ERR_MALFORMED_PACKET;
        } else {
          return rc;
        }
      }
      const properties: mosquitto_property[] | null = props_read.properties;

      /* The properties that travel with the message move to msg.properties; the rest only
       * tell the broker something and are dropped here. */
      msg.properties = null;
      for (const p of properties ?? []) {
        switch (p.identifier) {
          case MQTT_PROP_CONTENT_TYPE:
          case MQTT_PROP_CORRELATION_DATA:
          case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
          case MQTT_PROP_RESPONSE_TOPIC:
          case MQTT_PROP_USER_PROPERTY:
            if (msg.properties) {
              msg.properties.push(p);
            } else {
              msg.properties = [p];
            }
            break;

          case MQTT_PROP_TOPIC_ALIAS:
            topic_alias = p.value.i16;
            break;

          case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
            message_expiry_interval = p.value.i32;
            break;

          case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
            break;

          default:
            break;
        }
      }
    }

    if (topic_alias === 0 || (context.listener && topic_alias > context.listener.max_topic_alias)) {
      db__msg_store_free(msg);
      return MOSQ_ERR_TOPIC_ALIAS_INVALID;
    } else if (topic_alias > 0) {
      if (msg.topic) {
        rc = alias__add(context, msg.topic, topic_alias);
        if (rc) {
          db__msg_store_free(msg);
          return rc;
        }
      } else {
        const found = alias__find(context, topic_alias);
        rc = found.rc;
        if (rc) {
          db__msg_store_free(msg);
          return MOSQ_ERR_PROTOCOL;
        }
        msg.topic = found.topic;
      }
    }

    const remapped = bridge__remap_topic_in(context, msg.topic!);
    if (remapped.rc) {
      db__msg_store_free(msg);
      return remapped.rc;
    }
    msg.topic = remapped.topic;

    if (mosquitto_pub_topic_check(msg.topic) !== MOSQ_ERR_SUCCESS) {
      /* Not a valid topic to publish to. */
      db__msg_store_free(msg);
      return MOSQ_ERR_PROTOCOL;
    }
    let topic = msg.topic!;

    msg.payloadlen = context.in_packet.remaining_length - context.in_packet.pos;
    g.g_pub_bytes_received += msg.payloadlen;
    if (context.listener && context.listener.mount_point) {
      topic = `${context.listener.mount_point}${topic}`;
      msg.topic = topic;
    }

    if (msg.payloadlen) {
      if (db.config!.message_size_limit && msg.payloadlen > db.config!.message_size_limit) {
        log__printf(null, MOSQ_LOG_DEBUG, `Dropped too large PUBLISH from ${context.id} (d${dup}, q${msg.qos}, r${Number(msg.retain)}, m${msg.source_mid}, '${topic}', ... (${msg.payloadlen} bytes))`);
        reason_code = MQTT_RC_PACKET_TOO_LARGE;
        break process_bad_message;
      }

      /* C copies the payload out of the packet here; the port keeps a view, but a copy's worth
       * of memory_limit must be free all the same. */
      if (!memory__allocation_allowed(msg.payloadlen + 1)) {
        db__msg_store_free(msg);
        return MOSQ_ERR_NOMEM;
      }
      const payload_read = packet__read_bytes(context.in_packet, msg.payloadlen);
      if (payload_read.rc) {
        db__msg_store_free(msg);
        return MOSQ_ERR_MALFORMED_PACKET;
      }
      msg.payload = payload_read.data;
    }

    /* May this client publish here? */
    rc = mosquitto_acl_check(context, topic, msg.payloadlen, msg.payload, msg.qos, msg.retain, MOSQ_ACL_WRITE);
    if (rc === MOSQ_ERR_ACL_DENIED) {
      log__printf(null, MOSQ_LOG_DEBUG,
          `Denied PUBLISH from ${context.id} (d${dup}, q${msg.qos}, r${Number(msg.retain)}, m${msg.source_mid}, '${topic}', ... (${msg.payloadlen} bytes))`);
      reason_code = MQTT_RC_NOT_AUTHORIZED;
      break process_bad_message;
    } else if (rc !== MOSQ_ERR_SUCCESS) {
      db__msg_store_free(msg);
      return rc;
    }

    if (log__enabled(MOSQ_LOG_DEBUG)) {
      log__printf(null, MOSQ_LOG_DEBUG, `Received PUBLISH from ${context.id} (d${dup}, q${msg.qos}, r${Number(msg.retain)}, m${msg.source_mid}, '${topic}', ... (${msg.payloadlen} bytes))`);
    }

    if (topic.startsWith('$CONTROL/')) {
      rc = control__process(context, msg);
      db__msg_store_free(msg);
      return rc;
    }

    rc = plugin__handle_message(context, msg);
    if (rc === MOSQ_ERR_ACL_DENIED) {
      log__printf(null, MOSQ_LOG_DEBUG,
          `Denied PUBLISH from ${context.id} (d${dup}, q${msg.qos}, r${Number(msg.retain)}, m${msg.source_mid}, '${msg.topic}', ... (${msg.payloadlen} bytes))`);

      reason_code = MQTT_RC_NOT_AUTHORIZED;
      break process_bad_message;
    } else if (rc !== MOSQ_ERR_SUCCESS) {
      db__msg_store_free(msg);
      return rc;
    }

    if (msg.qos > 0) {
      stored = db__message_store_find(context, msg.source_mid).stored;
    }

    if (stored && msg.source_mid !== 0 &&
        (stored.qos !== msg.qos
         || stored.payloadlen !== msg.payloadlen
         || stored.topic !== msg.topic
         || !stored.payload.equals(msg.payload))) {

      log__printf(null, MOSQ_LOG_WARNING, `Reused message ID ${msg.source_mid} from ${context.id} detected. Clearing from storage.`);
      db__message_remove_incoming(context, msg.source_mid);
      stored = null;
    }

    if (!stored) {
      if (msg.qos === 0
          || db__ready_for_flight(context, mosq_md_in, msg.qos)
          || db__ready_for_queue(context, msg.qos, context.msgs_in)) {

        dup = 0;
        rc = db__message_store(context, msg, message_expiry_interval, 0, mosq_mo_client);
        if (rc) return rc;
      } else {
        /* No room for another incoming message from this client: refuse it now. */
        reason_code = MQTT_RC_QUOTA_EXCEEDED;
        break process_bad_message;
      }
      /* From here on the message belongs to the store. */
      stored = msg;
    } else {
      db__msg_store_free(msg);
      dup = 1;
    }

    switch (stored.qos) {
      case 0:
        rc2 = sub__messages_queue(context.id, stored.topic!, stored.qos, stored.retain, stored);
        if (rc2 > 0) rc = 1;
        break;
      case 1:
        util__decrement_receive_quota(context);
        rc2 = sub__messages_queue(context.id, stored.topic!, stored.qos, stored.retain, stored);
        /* stored may have been freed: do not use it below */
        if (rc2 === MOSQ_ERR_SUCCESS || context.protocol !== mosq_p_mqtt5) {
          if (send__puback(context, mid, 0, null)) rc = 1;
        } else if (rc2 === MOSQ_ERR_NO_SUBSCRIBERS) {
          if (send__puback(context, mid, MQTT_RC_NO_MATCHING_SUBSCRIBERS, null)) rc = 1;
        } else {
          rc = rc2;
        }
        break;
      case 2:
        if (dup === 0) {
          res = db__message_insert(context, stored.source_mid, mosq_md_in, stored.qos, stored.retain, stored, null, false);
        } else {
          res = 0;
        }
        /* A return of 2 means "dropped because the queue is full", which is no reason to
         * disconnect the client. */
        if (!res) {
          if (send__pubrec(context, stored.source_mid, 0, null)) rc = 1;
        } else if (res === 1) {
          rc = 1;
        }
        break;
    }

    db__message_write_queued_in(context);
    return rc;
  }
  /* process_bad_message: acknowledge a refused message so the client stops sending it. */
  rc = 1;
  switch (msg.qos) {
    case 0:
      rc = MOSQ_ERR_SUCCESS;
      break;
    case 1:
      rc = send__puback(context, msg.source_mid, reason_code, null);
      break;
    case 2:
      rc = send__pubrec(context, msg.source_mid, reason_code, null);
      break;
  }
  db__msg_store_free(msg);
  return rc;
}
