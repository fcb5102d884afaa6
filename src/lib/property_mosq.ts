/**
 * MQTT 5 properties (lib/property_mosq.c): reading a packet's property block with its validity
 * rules, writing one, measuring one, and the public helpers that build, search and copy property
 * lists.
 *
 * The C keeps a property list as a singly linked list of `mosquitto_property` nodes. Here a list
 * is a `mosquitto_property[]`, in wire order, and `null` is the empty list (never `[]`, so that
 * `if (properties)` still means "there are some", as it does in C). Functions that take a
 * `mosquitto_property **` in C return the new list in a result object instead.
 * @module
 */
import {
  MOSQ_ERR_DUPLICATE_PROPERTY,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_MALFORMED_UTF8,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
} from '../include/mosquitto.js';
import {
  CMD_AUTH,
  CMD_CONNACK,
  CMD_CONNECT,
  CMD_DISCONNECT,
  CMD_PUBLISH,
  CMD_SUBSCRIBE,
  CMD_UNSUBSCRIBE,
  CMD_WILL,
  MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
  MQTT_PROP_AUTHENTICATION_DATA,
  MQTT_PROP_AUTHENTICATION_METHOD,
  MQTT_PROP_CONTENT_TYPE,
  MQTT_PROP_CORRELATION_DATA,
  MQTT_PROP_MAXIMUM_PACKET_SIZE,
  MQTT_PROP_MAXIMUM_QOS,
  MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
  MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
  MQTT_PROP_REASON_STRING,
  MQTT_PROP_RECEIVE_MAXIMUM,
  MQTT_PROP_REQUEST_PROBLEM_INFORMATION,
  MQTT_PROP_REQUEST_RESPONSE_INFORMATION,
  MQTT_PROP_RESPONSE_INFORMATION,
  MQTT_PROP_RESPONSE_TOPIC,
  MQTT_PROP_RETAIN_AVAILABLE,
  MQTT_PROP_SERVER_KEEP_ALIVE,
  MQTT_PROP_SERVER_REFERENCE,
  MQTT_PROP_SESSION_EXPIRY_INTERVAL,
  MQTT_PROP_SHARED_SUB_AVAILABLE,
  MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
  MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE,
  MQTT_PROP_TOPIC_ALIAS,
  MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
  MQTT_PROP_TYPE_BINARY,
  MQTT_PROP_TYPE_BYTE,
  MQTT_PROP_TYPE_INT16,
  MQTT_PROP_TYPE_INT32,
  MQTT_PROP_TYPE_STRING,
  MQTT_PROP_TYPE_STRING_PAIR,
  MQTT_PROP_TYPE_VARINT,
  MQTT_PROP_USER_PROPERTY,
  MQTT_PROP_WILDCARD_SUB_AVAILABLE,
  MQTT_PROP_WILL_DELAY_INTERVAL,
} from '../include/mqtt_protocol.js';
import { log__printf } from '../broker/logging.js';
import type { mosquitto__packet } from './mosquitto_internal.js';
import {
  packet__read_binary,
  packet__read_byte,
  packet__read_string,
  packet__read_uint16,
  packet__read_uint32,
  packet__read_varint,
  packet__varint_bytes,
  packet__write_byte,
  packet__write_bytes,
  packet__write_string,
  packet__write_uint16,
  packet__write_uint32,
  packet__write_varint,
} from './packet_datatypes.js';
import { mosquitto_validate_utf8 } from './utf8_mosq.js';

/** struct mqtt__string: a string with its length in UTF-8 bytes. */
export interface mqtt__string {
  v: string | null;
  len: number;
}

/**
 * struct mqtt__string used for Binary Data: C keeps both in a `char *`; here binary data is a
 * Buffer.
 */
export interface mqtt__binary {
  v: Buffer | null;
  len: number;
}

/**
 * struct mqtt5__property (`mosquitto_property`): one property. Which member of `value` is
 * meaningful depends on `identifier`; `name` is used by user properties only.
 * The C union becomes an object with every member, all zero or null but the one in use.
 * The C `next` pointer is gone: a list is an array.
 */
export interface mosquitto_property {
  value: {
    i8: number;
    i16: number;
    i32: number;
    varint: number;
    bin: mqtt__binary;
    s: mqtt__string;
  };
  name: mqtt__string;
  identifier: number;
  client_generated: boolean;
}

/** The result of property__read_all. */
export interface property__read_all_result {
  rc: number;
  properties: mosquitto_property[] | null;
}

/** The result of a function that adds to a list: the list with the new property, or unchanged. */
export interface mosquitto_property_add_result {
  rc: number;
  proplist: mosquitto_property[] | null;
}

/** The result of mosquitto_property_copy_all. */
export interface mosquitto_property_copy_all_result {
  rc: number;
  dest: mosquitto_property[] | null;
}

/** The result of mosquitto_string_to_property_info. */
export interface mosquitto_string_to_property_info_result {
  rc: number;
  identifier: number;
  type: number;
}

/** A property found by one of the mosquitto_property_read_* lookups, with its value. */
export interface mosquitto_property_found<T> {
  property: mosquitto_property;
  value: T;
}

/**
 * A property with every field zeroed.
 * @tsonly stands in for `mosquitto__calloc(1, sizeof(mosquitto_property))`
 */
export function property__new(): mosquitto_property {
  return {
    value: {
      i8: 0,
      i16: 0,
      i32: 0,
      varint: 0,
      bin: { v: null, len: 0 },
      s: { v: null, len: 0 },
    },
    name: { v: null, len: 0 },
    identifier: 0,
    client_generated: false,
  };
}

/**
 * Reads one property (identifier, then a value of the identifier's type) into `property` and
 * takes its size off the property length `len`. An unknown identifier is
 * MOSQ_ERR_MALFORMED_PACKET.
 * @adapted `len` is a holder for the C `uint32_t *`; the subtraction wraps at 2^32 as the C
 *   unsigned arithmetic does, so a property that overruns the declared length keeps the read
 *   loop going until the packet runs out. Binary values are copied out of the packet buffer.
 */
function property__read(packet: mosquitto__packet, len: { v: number }, property: mosquitto_property): number {
  const id = packet__read_varint(packet);
  if (id.rc) return id.rc;
  const property_identifier = id.value;
  len.v = (len.v - 1) >>> 0;

  property.identifier = property_identifier;

  switch (property_identifier) {
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
    case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
    case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
    case MQTT_PROP_MAXIMUM_QOS:
    case MQTT_PROP_RETAIN_AVAILABLE:
    case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
    case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
    case MQTT_PROP_SHARED_SUB_AVAILABLE: {
      const r = packet__read_byte(packet);
      if (r.rc) return r.rc;
      len.v = (len.v - 1) >>> 0;
      property.value.i8 = r.value;
      break;
    }

    case MQTT_PROP_SERVER_KEEP_ALIVE:
    case MQTT_PROP_RECEIVE_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS: {
      const r = packet__read_uint16(packet);
      if (r.rc) return r.rc;
      len.v = (len.v - 2) >>> 0;
      property.value.i16 = r.value;
      break;
    }

    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
    case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
    case MQTT_PROP_WILL_DELAY_INTERVAL:
    case MQTT_PROP_MAXIMUM_PACKET_SIZE: {
      const r = packet__read_uint32(packet);
      if (r.rc) return r.rc;
      len.v = (len.v - 4) >>> 0;
      property.value.i32 = r.value;
      break;
    }

    case MQTT_PROP_SUBSCRIPTION_IDENTIFIER: {
      const r = packet__read_varint(packet);
      if (r.rc) return r.rc;
      len.v = (len.v - r.bytes) >>> 0;
      property.value.varint = r.value;
      break;
    }

    case MQTT_PROP_CONTENT_TYPE:
    case MQTT_PROP_RESPONSE_TOPIC:
    case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
    case MQTT_PROP_AUTHENTICATION_METHOD:
    case MQTT_PROP_RESPONSE_INFORMATION:
    case MQTT_PROP_SERVER_REFERENCE:
    case MQTT_PROP_REASON_STRING: {
      const r = packet__read_string(packet);
      if (r.rc) return r.rc;
      len.v = (len.v - 2 - r.length) >>> 0;
      property.value.s.v = r.str;
      property.value.s.len = r.length;
      break;
    }

    case MQTT_PROP_AUTHENTICATION_DATA:
    case MQTT_PROP_CORRELATION_DATA: {
      const r = packet__read_binary(packet);
      if (r.rc) return r.rc;
      len.v = (len.v - 2 - r.length) >>> 0;
      property.value.bin.v = r.data ? Buffer.from(r.data) : null;
      property.value.bin.len = r.length;
      break;
    }

    case MQTT_PROP_USER_PROPERTY: {
      const r1 = packet__read_string(packet);
      if (r1.rc) return r1.rc;
      len.v = (len.v - 2 - r1.length) >>> 0;

      const r2 = packet__read_string(packet);
      if (r2.rc) return r2.rc;
      len.v = (len.v - 2 - r2.length) >>> 0;

      property.name.v = r1.str;
      property.name.len = r1.length;
      property.value.s.v = r2.str;
      property.value.s.len = r2.length;
      break;
    }

    default:
      log__printf(null, MOSQ_LOG_DEBUG, `Unsupported property type: ${property_identifier}`);
      return MOSQ_ERR_MALFORMED_PACKET;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a packet's whole property block (its length, then the properties, kept in wire order)
 * and checks the result with mosquitto_property_check_all for `command`. On any error the list
 * is dropped and `properties` is null.
 * @adapted the list comes back in the result object instead of through `mosquitto_property **`
 */
export function property__read_all(command: number, packet: mosquitto__packet): property__read_all_result {
  let rc: number;
  let properties: mosquitto_property[] | null = null;

  const r = packet__read_varint(packet);
  if (r.rc) return { rc: r.rc, properties: null };
  const proplen = { v: r.value };

  /* Wire order matters for some properties (user properties), so it is kept for all. */
  while (proplen.v > 0) {
    const p = property__new();

    rc = property__read(packet, proplen, p);
    if (rc) {
      mosquitto_property_free_all(properties);
      return { rc, properties: null };
    }

    if (!properties) {
      properties = [p];
    } else {
      properties.push(p);
    }
  }

  rc = mosquitto_property_check_all(command, properties);
  if (rc) {
    mosquitto_property_free_all(properties);
    return { rc, properties: null };
  }
  return { rc: MOSQ_ERR_SUCCESS, properties };
}

/**
 * Drops a whole property list. Returns null, the empty list, for the caller to store where it
 * kept the list (the C sets the caller's pointer to NULL).
 * @adapted the garbage collector frees the properties; the array is emptied so that a use after
 *   the free finds nothing instead of stale data
 */
export function mosquitto_property_free_all(properties: mosquitto_property[] | null): null {
  if (properties) {
    properties.length = 0;
  }
  return null;
}

/** The number of bytes one property takes on the wire, identifier included; 0 if unknown. */
export function property__get_length(property: mosquitto_property | null): number {
  if (!property) return 0;

  switch (property.identifier) {
    /* Byte */
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
    case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
    case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
    case MQTT_PROP_MAXIMUM_QOS:
    case MQTT_PROP_RETAIN_AVAILABLE:
    case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
    case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
    case MQTT_PROP_SHARED_SUB_AVAILABLE:
      return 2;

    /* Two Byte Integer */
    case MQTT_PROP_SERVER_KEEP_ALIVE:
    case MQTT_PROP_RECEIVE_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS:
      return 3;

    /* Four Byte Integer */
    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
    case MQTT_PROP_WILL_DELAY_INTERVAL:
    case MQTT_PROP_MAXIMUM_PACKET_SIZE:
    case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
      return 5;

    /* Variable Byte Integer */
    case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
      if (property.value.varint < 128) {
        return 2;
      } else if (property.value.varint < 16384) {
        return 3;
      } else if (property.value.varint < 2097152) {
        return 4;
      } else if (property.value.varint < 268435456) {
        return 5;
      } else {
        return 0;
      }

    /* Binary Data: identifier, two-byte length, data */
    case MQTT_PROP_CORRELATION_DATA:
    case MQTT_PROP_AUTHENTICATION_DATA:
      return 3 + property.value.bin.len;

    /* UTF-8 string: identifier, two-byte length, bytes */
    case MQTT_PROP_CONTENT_TYPE:
    case MQTT_PROP_RESPONSE_TOPIC:
    case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
    case MQTT_PROP_AUTHENTICATION_METHOD:
    case MQTT_PROP_RESPONSE_INFORMATION:
    case MQTT_PROP_SERVER_REFERENCE:
    case MQTT_PROP_REASON_STRING:
      return 3 + property.value.s.len;

    /* String pair: identifier and two length-prefixed strings */
    case MQTT_PROP_USER_PROPERTY:
      return 5 + property.value.s.len + property.name.len;

    default:
      return 0;
  }
}

/** The bytes all the properties of a list take on the wire, without the length prefix. */
export function property__get_length_all(property: readonly mosquitto_property[] | null): number {
  let len = 0;

  if (!property) return 0;
  for (const p of property) {
    len += property__get_length(p);
  }
  return len;
}

/**
 * What a property block adds to a packet's remaining length: the properties plus the
 * variable byte integer that gives their length.
 */
export function property__get_remaining_length(props: readonly mosquitto_property[] | null): number {
  const proplen = property__get_length_all(props);
  const varbytes = packet__varint_bytes(proplen);
  return proplen + varbytes;
}

/** Writes one property: identifier, then its value. An unknown identifier is MOSQ_ERR_INVAL. */
function property__write(packet: mosquitto__packet, property: mosquitto_property): number {
  const rc = packet__write_varint(packet, property.identifier);
  if (rc) return rc;

  switch (property.identifier) {
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
    case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
    case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
    case MQTT_PROP_MAXIMUM_QOS:
    case MQTT_PROP_RETAIN_AVAILABLE:
    case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
    case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
    case MQTT_PROP_SHARED_SUB_AVAILABLE:
      packet__write_byte(packet, property.value.i8);
      break;

    case MQTT_PROP_SERVER_KEEP_ALIVE:
    case MQTT_PROP_RECEIVE_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS:
      packet__write_uint16(packet, property.value.i16);
      break;

    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
    case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
    case MQTT_PROP_WILL_DELAY_INTERVAL:
    case MQTT_PROP_MAXIMUM_PACKET_SIZE:
      packet__write_uint32(packet, property.value.i32);
      break;

    case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
      return packet__write_varint(packet, property.value.varint);

    case MQTT_PROP_CONTENT_TYPE:
    case MQTT_PROP_RESPONSE_TOPIC:
    case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
    case MQTT_PROP_AUTHENTICATION_METHOD:
    case MQTT_PROP_RESPONSE_INFORMATION:
    case MQTT_PROP_SERVER_REFERENCE:
    case MQTT_PROP_REASON_STRING:
      packet__write_string(packet, property.value.s.v, property.value.s.len);
      break;

    case MQTT_PROP_AUTHENTICATION_DATA:
    case MQTT_PROP_CORRELATION_DATA:
      packet__write_uint16(packet, property.value.bin.len);
      if (property.value.bin.v) {
        packet__write_bytes(packet, property.value.bin.v, property.value.bin.len);
      }
      break;

    case MQTT_PROP_USER_PROPERTY:
      packet__write_string(packet, property.name.v, property.name.len);
      packet__write_string(packet, property.value.s.v, property.value.s.len);
      break;

    default:
      log__printf(null, MOSQ_LOG_DEBUG, `Unsupported property type: ${property.identifier}`);
      return MOSQ_ERR_INVAL;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes a list of properties, preceded by their total length when `write_len` is set (PUBLISH
 * writes several lists after one shared length).
 */
export function property__write_all(packet: mosquitto__packet, properties: readonly mosquitto_property[] | null,
    write_len: boolean): number {
  let rc: number;

  if (write_len) {
    rc = packet__write_varint(packet, property__get_length_all(properties));
    if (rc) return rc;
  }

  if (properties) {
    for (const p of properties) {
      rc = property__write(packet, p);
      if (rc) return rc;
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Says whether a property may appear in a packet of type `command` (CMD_WILL for the will
 * properties of CONNECT). MOSQ_ERR_PROTOCOL if not, or if the identifier is unknown.
 */
export function mosquitto_property_check_command(command: number, identifier: number): number {
  switch (identifier) {
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
    case MQTT_PROP_CONTENT_TYPE:
    case MQTT_PROP_RESPONSE_TOPIC:
    case MQTT_PROP_CORRELATION_DATA:
      if (command !== CMD_PUBLISH && command !== CMD_WILL) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
      if (command !== CMD_PUBLISH && command !== CMD_SUBSCRIBE) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
      if (command !== CMD_CONNECT && command !== CMD_CONNACK && command !== CMD_DISCONNECT) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_AUTHENTICATION_METHOD:
    case MQTT_PROP_AUTHENTICATION_DATA:
      if (command !== CMD_CONNECT && command !== CMD_CONNACK && command !== CMD_AUTH) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
    case MQTT_PROP_SERVER_KEEP_ALIVE:
    case MQTT_PROP_RESPONSE_INFORMATION:
    case MQTT_PROP_MAXIMUM_QOS:
    case MQTT_PROP_RETAIN_AVAILABLE:
    case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
    case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
    case MQTT_PROP_SHARED_SUB_AVAILABLE:
      if (command !== CMD_CONNACK) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_WILL_DELAY_INTERVAL:
      if (command !== CMD_WILL) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
    case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
      if (command !== CMD_CONNECT) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_SERVER_REFERENCE:
      if (command !== CMD_CONNACK && command !== CMD_DISCONNECT) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_REASON_STRING:
      if (command === CMD_CONNECT || command === CMD_PUBLISH || command === CMD_SUBSCRIBE || command === CMD_UNSUBSCRIBE) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_RECEIVE_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
    case MQTT_PROP_MAXIMUM_PACKET_SIZE:
      if (command !== CMD_CONNECT && command !== CMD_CONNACK) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_TOPIC_ALIAS:
      if (command !== CMD_PUBLISH) {
        return MOSQ_ERR_PROTOCOL;
      }
      break;

    case MQTT_PROP_USER_PROPERTY:
      break;

    default:
      return MOSQ_ERR_PROTOCOL;
  }
  return MOSQ_ERR_SUCCESS;
}

/** The name mosquitto uses for a property identifier ("session-expiry-interval"), or null. */
export function mosquitto_property_identifier_to_string(identifier: number): string | null {
  switch (identifier) {
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
      return 'payload-format-indicator';
    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
      return 'message-expiry-interval';
    case MQTT_PROP_CONTENT_TYPE:
      return 'content-type';
    case MQTT_PROP_RESPONSE_TOPIC:
      return 'response-topic';
    case MQTT_PROP_CORRELATION_DATA:
      return 'correlation-data';
    case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
      return 'subscription-identifier';
    case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
      return 'session-expiry-interval';
    case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
      return 'assigned-client-identifier';
    case MQTT_PROP_SERVER_KEEP_ALIVE:
      return 'server-keep-alive';
    case MQTT_PROP_AUTHENTICATION_METHOD:
      return 'authentication-method';
    case MQTT_PROP_AUTHENTICATION_DATA:
      return 'authentication-data';
    case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
      return 'request-problem-information';
    case MQTT_PROP_WILL_DELAY_INTERVAL:
      return 'will-delay-interval';
    case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
      return 'request-response-information';
    case MQTT_PROP_RESPONSE_INFORMATION:
      return 'response-information';
    case MQTT_PROP_SERVER_REFERENCE:
      return 'server-reference';
    case MQTT_PROP_REASON_STRING:
      return 'reason-string';
    case MQTT_PROP_RECEIVE_MAXIMUM:
      return 'receive-maximum';
    case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
      return 'topic-alias-maximum';
    case MQTT_PROP_TOPIC_ALIAS:
      return 'topic-alias';
    case MQTT_PROP_MAXIMUM_QOS:
      return 'maximum-qos';
    case MQTT_PROP_RETAIN_AVAILABLE:
      return 'retain-available';
    case MQTT_PROP_USER_PROPERTY:
      return 'user-property';
    case MQTT_PROP_MAXIMUM_PACKET_SIZE:
      return 'maximum-packet-size';
    case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
      return 'wildcard-subscription-available';
    case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
      return 'subscription-identifier-available';
    case MQTT_PROP_SHARED_SUB_AVAILABLE:
      return 'shared-subscription-available';
    default:
      return null;
  }
}

/**
 * Looks up a property by its name (ignoring ASCII case) and gives its identifier and value type
 * (MQTT_PROP_TYPE_*). An unknown name is MOSQ_ERR_INVAL.
 * @adapted identifier and type come back in the result object instead of through pointers
 */
export function mosquitto_string_to_property_info(propname: string | null): mosquitto_string_to_property_info_result {
  if (propname === null) return { rc: MOSQ_ERR_INVAL, identifier: 0, type: 0 };

  /* strcasecmp folds ASCII letters only */
  const name = propname.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
  let identifier: number;
  let type: number;

  if (name === 'payload-format-indicator') {
    identifier = MQTT_PROP_PAYLOAD_FORMAT_INDICATOR;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'message-expiry-interval') {
    identifier = MQTT_PROP_MESSAGE_EXPIRY_INTERVAL;
    type = MQTT_PROP_TYPE_INT32;
  } else if (name === 'content-type') {
    identifier = MQTT_PROP_CONTENT_TYPE;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'response-topic') {
    identifier = MQTT_PROP_RESPONSE_TOPIC;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'correlation-data') {
    identifier = MQTT_PROP_CORRELATION_DATA;
    type = MQTT_PROP_TYPE_BINARY;
  } else if (name === 'subscription-identifier') {
    identifier = MQTT_PROP_SUBSCRIPTION_IDENTIFIER;
    type = MQTT_PROP_TYPE_VARINT;
  } else if (name === 'session-expiry-interval') {
    identifier = MQTT_PROP_SESSION_EXPIRY_INTERVAL;
    type = MQTT_PROP_TYPE_INT32;
  } else if (name === 'assigned-client-identifier') {
    identifier = MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'server-keep-alive') {
    identifier = MQTT_PROP_SERVER_KEEP_ALIVE;
    type = MQTT_PROP_TYPE_INT16;
  } else if (name === 'authentication-method') {
    identifier = MQTT_PROP_AUTHENTICATION_METHOD;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'authentication-data') {
    identifier = MQTT_PROP_AUTHENTICATION_DATA;
    type = MQTT_PROP_TYPE_BINARY;
  } else if (name === 'request-problem-information') {
    identifier = MQTT_PROP_REQUEST_PROBLEM_INFORMATION;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'will-delay-interval') {
    identifier = MQTT_PROP_WILL_DELAY_INTERVAL;
    type = MQTT_PROP_TYPE_INT32;
  } else if (name === 'request-response-information') {
    identifier = MQTT_PROP_REQUEST_RESPONSE_INFORMATION;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'response-information') {
    identifier = MQTT_PROP_RESPONSE_INFORMATION;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'server-reference') {
    identifier = MQTT_PROP_SERVER_REFERENCE;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'reason-string') {
    identifier = MQTT_PROP_REASON_STRING;
    type = MQTT_PROP_TYPE_STRING;
  } else if (name === 'receive-maximum') {
    identifier = MQTT_PROP_RECEIVE_MAXIMUM;
    type = MQTT_PROP_TYPE_INT16;
  } else if (name === 'topic-alias-maximum') {
    identifier = MQTT_PROP_TOPIC_ALIAS_MAXIMUM;
    type = MQTT_PROP_TYPE_INT16;
  } else if (name === 'topic-alias') {
    identifier = MQTT_PROP_TOPIC_ALIAS;
    type = MQTT_PROP_TYPE_INT16;
  } else if (name === 'maximum-qos') {
    identifier = MQTT_PROP_MAXIMUM_QOS;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'retain-available') {
    identifier = MQTT_PROP_RETAIN_AVAILABLE;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'user-property') {
    identifier = MQTT_PROP_USER_PROPERTY;
    type = MQTT_PROP_TYPE_STRING_PAIR;
  } else if (name === 'maximum-packet-size') {
    identifier = MQTT_PROP_MAXIMUM_PACKET_SIZE;
    type = MQTT_PROP_TYPE_INT32;
  } else if (name === 'wildcard-subscription-available') {
    identifier = MQTT_PROP_WILDCARD_SUB_AVAILABLE;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'subscription-identifier-available') {
    identifier = MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE;
    type = MQTT_PROP_TYPE_BYTE;
  } else if (name === 'shared-subscription-available') {
    identifier = MQTT_PROP_SHARED_SUB_AVAILABLE;
    type = MQTT_PROP_TYPE_BYTE;
  } else {
    return { rc: MOSQ_ERR_INVAL, identifier: 0, type: 0 };
  }
  return { rc: MOSQ_ERR_SUCCESS, identifier, type };
}

/**
 * Appends a property to the end of a list, starting the list if it is empty.
 * @adapted returns the list, which is new when `proplist` was null
 */
function property__add(proplist: mosquitto_property[] | null, prop: mosquitto_property): mosquitto_property[] {
  if (!proplist) {
    return [prop];
  }
  proplist.push(prop);
  return proplist;
}

/**
 * Adds a Byte property; MOSQ_ERR_INVAL if `identifier` is not one of the byte properties.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_byte(proplist: mosquitto_property[] | null, identifier: number,
    value: number): mosquitto_property_add_result {
  if (identifier !== MQTT_PROP_PAYLOAD_FORMAT_INDICATOR
      && identifier !== MQTT_PROP_REQUEST_PROBLEM_INFORMATION
      && identifier !== MQTT_PROP_REQUEST_RESPONSE_INFORMATION
      && identifier !== MQTT_PROP_MAXIMUM_QOS
      && identifier !== MQTT_PROP_RETAIN_AVAILABLE
      && identifier !== MQTT_PROP_WILDCARD_SUB_AVAILABLE
      && identifier !== MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE
      && identifier !== MQTT_PROP_SHARED_SUB_AVAILABLE) {
    return { rc: MOSQ_ERR_INVAL, proplist };
  }

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;
  prop.value.i8 = value & 0xff;

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Adds a Two Byte Integer property; MOSQ_ERR_INVAL for any other identifier.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_int16(proplist: mosquitto_property[] | null, identifier: number,
    value: number): mosquitto_property_add_result {
  if (identifier !== MQTT_PROP_SERVER_KEEP_ALIVE
      && identifier !== MQTT_PROP_RECEIVE_MAXIMUM
      && identifier !== MQTT_PROP_TOPIC_ALIAS_MAXIMUM
      && identifier !== MQTT_PROP_TOPIC_ALIAS) {
    return { rc: MOSQ_ERR_INVAL, proplist };
  }

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;
  prop.value.i16 = value & 0xffff;

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Adds a Four Byte Integer property; MOSQ_ERR_INVAL for any other identifier.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_int32(proplist: mosquitto_property[] | null, identifier: number,
    value: number): mosquitto_property_add_result {
  if (identifier !== MQTT_PROP_MESSAGE_EXPIRY_INTERVAL
      && identifier !== MQTT_PROP_SESSION_EXPIRY_INTERVAL
      && identifier !== MQTT_PROP_WILL_DELAY_INTERVAL
      && identifier !== MQTT_PROP_MAXIMUM_PACKET_SIZE) {
    return { rc: MOSQ_ERR_INVAL, proplist };
  }

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;
  prop.value.i32 = value >>> 0;

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Adds a Variable Byte Integer property (only the subscription identifier is one); a value
 * above 268435455 or another identifier is MOSQ_ERR_INVAL.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_varint(proplist: mosquitto_property[] | null, identifier: number,
    value: number): mosquitto_property_add_result {
  if (value > 268435455) return { rc: MOSQ_ERR_INVAL, proplist };
  if (identifier !== MQTT_PROP_SUBSCRIPTION_IDENTIFIER) return { rc: MOSQ_ERR_INVAL, proplist };

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;
  prop.value.varint = value;

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Adds a Binary Data property holding a copy of the first `len` bytes of `value`;
 * MOSQ_ERR_INVAL for an identifier that is not binary.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_binary(proplist: mosquitto_property[] | null, identifier: number,
    value: Buffer | null, len: number): mosquitto_property_add_result {
  if (identifier !== MQTT_PROP_CORRELATION_DATA
      && identifier !== MQTT_PROP_AUTHENTICATION_DATA) {
    return { rc: MOSQ_ERR_INVAL, proplist };
  }

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;

  if (len && value) {
    prop.value.bin.v = Buffer.from(value.subarray(0, len));
    prop.value.bin.len = len;
  }

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Adds a UTF-8 string property. The string is checked first (MOSQ_ERR_MALFORMED_UTF8), then
 * the identifier (MOSQ_ERR_INVAL). An empty string is stored as null with length 0.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_string(proplist: mosquitto_property[] | null, identifier: number,
    value: string | null): mosquitto_property_add_result {
  let slen = 0;

  if (value !== null) {
    slen = Buffer.byteLength(value, 'utf8');
    if (mosquitto_validate_utf8(value, slen)) return { rc: MOSQ_ERR_MALFORMED_UTF8, proplist };
  }

  if (identifier !== MQTT_PROP_CONTENT_TYPE
      && identifier !== MQTT_PROP_RESPONSE_TOPIC
      && identifier !== MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER
      && identifier !== MQTT_PROP_AUTHENTICATION_METHOD
      && identifier !== MQTT_PROP_RESPONSE_INFORMATION
      && identifier !== MQTT_PROP_SERVER_REFERENCE
      && identifier !== MQTT_PROP_REASON_STRING) {
    return { rc: MOSQ_ERR_INVAL, proplist };
  }

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;
  if (value !== null && slen > 0) {
    prop.value.s.v = value;
    prop.value.s.len = slen;
  }

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Adds a user property (name and value). Only the user property identifier is accepted. The
 * name's UTF-8 is checked; the value's check is made with a length of 0, so it always passes,
 * exactly as in mosquitto 2.0.11.
 * @adapted returns `{ rc, proplist }`: the list the caller must keep (new when it was null)
 */
export function mosquitto_property_add_string_pair(proplist: mosquitto_property[] | null, identifier: number,
    name: string | null, value: string | null): mosquitto_property_add_result {
  let slen_name = 0;
  const slen_value = 0;

  if (identifier !== MQTT_PROP_USER_PROPERTY) return { rc: MOSQ_ERR_INVAL, proplist };
  if (name !== null) {
    slen_name = Buffer.byteLength(name, 'utf8');
    if (mosquitto_validate_utf8(name, slen_name)) return { rc: MOSQ_ERR_MALFORMED_UTF8, proplist };
  }
  if (value !== null) {
    if (mosquitto_validate_utf8(value, slen_value)) return { rc: MOSQ_ERR_MALFORMED_UTF8, proplist };
  }

  const prop = property__new();
  prop.client_generated = true;
  prop.identifier = identifier;

  if (name !== null) {
    prop.name.v = name;
    prop.name.len = slen_name;
  }

  if (value !== null) {
    prop.value.s.v = value;
    prop.value.s.len = Buffer.byteLength(value, 'utf8');
  }

  return { rc: MOSQ_ERR_SUCCESS, proplist: property__add(proplist, prop) };
}

/**
 * Checks a whole list for `command`: yes/no bytes must be 0 or 1, maximum packet size, receive
 * maximum and topic alias must not be 0 (MOSQ_ERR_PROTOCOL); each property must be allowed in
 * the command (mosquitto_property_check_command); and no property other than the user property
 * may appear twice (MOSQ_ERR_DUPLICATE_PROPERTY). Checks run property by property in list order.
 */
export function mosquitto_property_check_all(command: number, properties: readonly mosquitto_property[] | null): number {
  let rc: number;

  if (!properties) return MOSQ_ERR_SUCCESS;

  for (let i = 0; i < properties.length; i++) {
    const p = properties[i];
    /* Values that are never valid */
    if (p.identifier === MQTT_PROP_REQUEST_PROBLEM_INFORMATION
        || p.identifier === MQTT_PROP_REQUEST_RESPONSE_INFORMATION
        || p.identifier === MQTT_PROP_MAXIMUM_QOS
        || p.identifier === MQTT_PROP_RETAIN_AVAILABLE
        || p.identifier === MQTT_PROP_WILDCARD_SUB_AVAILABLE
        || p.identifier === MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE
        || p.identifier === MQTT_PROP_SHARED_SUB_AVAILABLE) {

      if (p.value.i8 > 1) {
        return MOSQ_ERR_PROTOCOL;
      }
    } else if (p.identifier === MQTT_PROP_MAXIMUM_PACKET_SIZE) {
      if (p.value.i32 === 0) {
        return MOSQ_ERR_PROTOCOL;
      }
    } else if (p.identifier === MQTT_PROP_RECEIVE_MAXIMUM
        || p.identifier === MQTT_PROP_TOPIC_ALIAS) {

      if (p.value.i16 === 0) {
        return MOSQ_ERR_PROTOCOL;
      }
    }

    /* Allowed in this packet type? */
    rc = mosquitto_property_check_command(command, p.identifier);
    if (rc) return rc;

    /* Seen again later in the list? */
    for (let j = i + 1; j < properties.length; j++) {
      if (p.identifier === properties[j].identifier
          && p.identifier !== MQTT_PROP_USER_PROPERTY) {

        return MOSQ_ERR_DUPLICATE_PROPERTY;
      }
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * The first property with `identifier` in the list, or the second when `skip_first` is set.
 */
function property__get_property(proplist: readonly mosquitto_property[], identifier: number,
    skip_first: boolean): mosquitto_property | null {
  let is_first = true;

  for (const p of proplist) {
    if (p.identifier === identifier) {
      if (!is_first || !skip_first) {
        return p;
      }
      is_first = false;
    }
  }
  return null;
}

/** The identifier of a property, or 0 for none. */
export function mosquitto_property_identifier(property: mosquitto_property | null): number {
  if (property === null) return 0;

  return property.identifier;
}

/**
 * The property after `property` in `proplist`, or null at the end.
 * @adapted an array element has no `next` pointer, so the list is passed too
 */
export function mosquitto_property_next(proplist: readonly mosquitto_property[] | null,
    property: mosquitto_property | null): mosquitto_property | null {
  if (proplist === null || property === null) return null;

  const i = proplist.indexOf(property);
  if (i < 0 || i + 1 >= proplist.length) return null;
  return proplist[i + 1];
}

/**
 * Finds a Byte property by identifier (the second one with `skip_first`). Null if there is none
 * or the identifier is not a byte property.
 * @adapted returns `{ property, value }` or null instead of the property pointer plus an
 *   out-parameter; to go on to later ones, search a slice of the list that starts at `property`
 */
export function mosquitto_property_read_byte(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): mosquitto_property_found<number> | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_PAYLOAD_FORMAT_INDICATOR
      && p.identifier !== MQTT_PROP_REQUEST_PROBLEM_INFORMATION
      && p.identifier !== MQTT_PROP_REQUEST_RESPONSE_INFORMATION
      && p.identifier !== MQTT_PROP_MAXIMUM_QOS
      && p.identifier !== MQTT_PROP_RETAIN_AVAILABLE
      && p.identifier !== MQTT_PROP_WILDCARD_SUB_AVAILABLE
      && p.identifier !== MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE
      && p.identifier !== MQTT_PROP_SHARED_SUB_AVAILABLE) {
    return null;
  }

  return { property: p, value: p.value.i8 };
}

/**
 * Finds a Two Byte Integer property by identifier, as mosquitto_property_read_byte.
 * @adapted returns `{ property, value }` or null instead of the property pointer plus an
 *   out-parameter
 */
export function mosquitto_property_read_int16(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): mosquitto_property_found<number> | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_SERVER_KEEP_ALIVE
      && p.identifier !== MQTT_PROP_RECEIVE_MAXIMUM
      && p.identifier !== MQTT_PROP_TOPIC_ALIAS_MAXIMUM
      && p.identifier !== MQTT_PROP_TOPIC_ALIAS) {
    return null;
  }

  return { property: p, value: p.value.i16 };
}

/**
 * Finds a Four Byte Integer property by identifier, as mosquitto_property_read_byte.
 * @adapted returns `{ property, value }` or null instead of the property pointer plus an
 *   out-parameter
 */
export function mosquitto_property_read_int32(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): mosquitto_property_found<number> | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_MESSAGE_EXPIRY_INTERVAL
      && p.identifier !== MQTT_PROP_SESSION_EXPIRY_INTERVAL
      && p.identifier !== MQTT_PROP_WILL_DELAY_INTERVAL
      && p.identifier !== MQTT_PROP_MAXIMUM_PACKET_SIZE) {
    return null;
  }

  return { property: p, value: p.value.i32 };
}

/**
 * Finds the Variable Byte Integer property (subscription identifier), as
 * mosquitto_property_read_byte.
 * @adapted returns `{ property, value }` or null instead of the property pointer plus an
 *   out-parameter
 */
export function mosquitto_property_read_varint(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): mosquitto_property_found<number> | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_SUBSCRIPTION_IDENTIFIER) {
    return null;
  }

  return { property: p, value: p.value.varint };
}

/**
 * Finds a Binary Data property and gives a copy of its bytes (empty, not null, for zero-length
 * data), as mosquitto_property_read_byte.
 * @adapted returns `{ property, value, len }` or null; the C check that the value and length
 *   pointers come together has nothing to check here
 */
export function mosquitto_property_read_binary(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): (mosquitto_property_found<Buffer> & { len: number }) | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_CORRELATION_DATA
      && p.identifier !== MQTT_PROP_AUTHENTICATION_DATA) {

    return null;
  }

  const len = p.value.bin.len;
  const value = p.value.bin.v ? Buffer.from(p.value.bin.v.subarray(0, len)) : Buffer.alloc(0);

  return { property: p, value, len };
}

/**
 * Finds a UTF-8 string property and gives its value ('' for an empty one), as
 * mosquitto_property_read_byte.
 * @adapted returns `{ property, value }` or null; JS strings are immutable, so no copy is made
 */
export function mosquitto_property_read_string(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): mosquitto_property_found<string> | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_CONTENT_TYPE
      && p.identifier !== MQTT_PROP_RESPONSE_TOPIC
      && p.identifier !== MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER
      && p.identifier !== MQTT_PROP_AUTHENTICATION_METHOD
      && p.identifier !== MQTT_PROP_RESPONSE_INFORMATION
      && p.identifier !== MQTT_PROP_SERVER_REFERENCE
      && p.identifier !== MQTT_PROP_REASON_STRING) {

    return null;
  }

  return { property: p, value: p.value.s.v ?? '' };
}

/**
 * Finds a user property and gives its name and value ('' for empty ones), as
 * mosquitto_property_read_byte.
 * @adapted returns `{ property, name, value }` or null; JS strings are immutable, so no copy is
 *   made
 */
export function mosquitto_property_read_string_pair(proplist: readonly mosquitto_property[] | null, identifier: number,
    skip_first: boolean): (mosquitto_property_found<string> & { name: string }) | null {
  if (!proplist) return null;

  const p = property__get_property(proplist, identifier, skip_first);
  if (!p) return null;
  if (p.identifier !== MQTT_PROP_USER_PROPERTY) return null;

  return { property: p, name: p.name.v ?? '', value: p.value.s.v ?? '' };
}

/**
 * Makes a deep copy of a list. An empty source gives a null list; a property with an unknown
 * identifier makes the whole copy fail with MOSQ_ERR_INVAL. As in C, `client_generated` is not
 * carried over.
 * @adapted the copy comes back in the result object instead of through `mosquitto_property **`
 */
export function mosquitto_property_copy_all(src: readonly mosquitto_property[] | null): mosquitto_property_copy_all_result {
  let dest: mosquitto_property[] | null = null;

  if (!src) return { rc: MOSQ_ERR_SUCCESS, dest: null };

  for (const s of src) {
    const pnew = property__new();
    if (dest) {
      dest.push(pnew);
    } else {
      dest = [pnew];
    }

    pnew.identifier = s.identifier;
    switch (pnew.identifier) {
      case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
      case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
      case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
      case MQTT_PROP_MAXIMUM_QOS:
      case MQTT_PROP_RETAIN_AVAILABLE:
      case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
      case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
      case MQTT_PROP_SHARED_SUB_AVAILABLE:
        pnew.value.i8 = s.value.i8;
        break;

      case MQTT_PROP_SERVER_KEEP_ALIVE:
      case MQTT_PROP_RECEIVE_MAXIMUM:
      case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
      case MQTT_PROP_TOPIC_ALIAS:
        pnew.value.i16 = s.value.i16;
        break;

      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
      case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
      case MQTT_PROP_WILL_DELAY_INTERVAL:
      case MQTT_PROP_MAXIMUM_PACKET_SIZE:
        pnew.value.i32 = s.value.i32;
        break;

      case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
        pnew.value.varint = s.value.varint;
        break;

      case MQTT_PROP_CONTENT_TYPE:
      case MQTT_PROP_RESPONSE_TOPIC:
      case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
      case MQTT_PROP_AUTHENTICATION_METHOD:
      case MQTT_PROP_RESPONSE_INFORMATION:
      case MQTT_PROP_SERVER_REFERENCE:
      case MQTT_PROP_REASON_STRING:
        pnew.value.s.len = s.value.s.len;
        pnew.value.s.v = s.value.s.v;
        break;

      case MQTT_PROP_AUTHENTICATION_DATA:
      case MQTT_PROP_CORRELATION_DATA:
        pnew.value.bin.len = s.value.bin.len;
        pnew.value.bin.v = s.value.bin.v ? Buffer.from(s.value.bin.v) : null;
        break;

      case MQTT_PROP_USER_PROPERTY:
        pnew.value.s.len = s.value.s.len;
        pnew.value.s.v = s.value.s.v;

        pnew.name.len = s.name.len;
        pnew.name.v = s.name.v;
        break;

      default:
        mosquitto_property_free_all(dest);
        return { rc: MOSQ_ERR_INVAL, dest: null };
    }
  }

  return { rc: MOSQ_ERR_SUCCESS, dest };
}
