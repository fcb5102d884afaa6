/**
 * Human-readable texts for error codes (lib/strings_mosq.c).
 * @module
 */
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_AUTH_CONTINUE,
  MOSQ_ERR_CONN_LOST,
  MOSQ_ERR_CONN_PENDING,
  MOSQ_ERR_CONN_REFUSED,
  MOSQ_ERR_DUPLICATE_PROPERTY,
  MOSQ_ERR_EAI,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_UTF8,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_NO_CONN,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_OCSP,
  MOSQ_ERR_OVERSIZE_PACKET,
  MOSQ_ERR_PAYLOAD_SIZE,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_PROXY,
  MOSQ_ERR_QOS_NOT_SUPPORTED,
  MOSQ_ERR_SUB_EXISTS,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TLS,
  MOSQ_ERR_TLS_HANDSHAKE,
  MOSQ_ERR_UNKNOWN,
  MOSQ_ERR_ERRNO,
} from '../include/mosquitto.js';
import {
  MQTT_RC_ADMINISTRATIVE_ACTION,
  MQTT_RC_BAD_AUTHENTICATION_METHOD,
  MQTT_RC_BAD_USERNAME_OR_PASSWORD,
  MQTT_RC_BANNED,
  MQTT_RC_CLIENTID_NOT_VALID,
  MQTT_RC_CONNECTION_RATE_EXCEEDED,
  MQTT_RC_CONTINUE_AUTHENTICATION,
  MQTT_RC_DISCONNECT_WITH_WILL_MSG,
  MQTT_RC_GRANTED_QOS1,
  MQTT_RC_GRANTED_QOS2,
  MQTT_RC_IMPLEMENTATION_SPECIFIC,
  MQTT_RC_KEEP_ALIVE_TIMEOUT,
  MQTT_RC_MALFORMED_PACKET,
  MQTT_RC_MAXIMUM_CONNECT_TIME,
  MQTT_RC_MESSAGE_RATE_TOO_HIGH,
  MQTT_RC_NOT_AUTHORIZED,
  MQTT_RC_NO_MATCHING_SUBSCRIBERS,
  MQTT_RC_NO_SUBSCRIPTION_EXISTED,
  MQTT_RC_PACKET_ID_IN_USE,
  MQTT_RC_PACKET_ID_NOT_FOUND,
  MQTT_RC_PACKET_TOO_LARGE,
  MQTT_RC_PAYLOAD_FORMAT_INVALID,
  MQTT_RC_PROTOCOL_ERROR,
  MQTT_RC_QOS_NOT_SUPPORTED,
  MQTT_RC_QUOTA_EXCEEDED,
  MQTT_RC_REAUTHENTICATE,
  MQTT_RC_RECEIVE_MAXIMUM_EXCEEDED,
  MQTT_RC_RETAIN_NOT_SUPPORTED,
  MQTT_RC_SERVER_BUSY,
  MQTT_RC_SERVER_MOVED,
  MQTT_RC_SERVER_SHUTTING_DOWN,
  MQTT_RC_SERVER_UNAVAILABLE,
  MQTT_RC_SESSION_TAKEN_OVER,
  MQTT_RC_SHARED_SUBS_NOT_SUPPORTED,
  MQTT_RC_SUBSCRIPTION_IDS_NOT_SUPPORTED,
  MQTT_RC_SUCCESS,
  MQTT_RC_TOPIC_ALIAS_INVALID,
  MQTT_RC_TOPIC_FILTER_INVALID,
  MQTT_RC_TOPIC_NAME_INVALID,
  MQTT_RC_UNSPECIFIED,
  MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION,
  MQTT_RC_USE_ANOTHER_SERVER,
  MQTT_RC_WILDCARD_SUBS_NOT_SUPPORTED,
  CMD_AUTH,
  CMD_CONNACK,
  CMD_CONNECT,
  CMD_DISCONNECT,
  CMD_PUBACK,
  CMD_PUBCOMP,
  CMD_PUBLISH,
  CMD_PUBREC,
  CMD_PUBREL,
  CMD_SUBSCRIBE,
  CMD_UNSUBSCRIBE,
  CMD_WILL,
} from '../include/mqtt_protocol.js';

const ERROR_TEXT = new Map<number, string>([
  [MOSQ_ERR_AUTH_CONTINUE, 'Continue with authentication.'],
  [MOSQ_ERR_NO_SUBSCRIBERS, 'No subscribers.'],
  [MOSQ_ERR_SUB_EXISTS, 'Subscription already exists.'],
  [MOSQ_ERR_CONN_PENDING, 'Connection pending.'],
  [MOSQ_ERR_SUCCESS, 'No error.'],
  [MOSQ_ERR_NOMEM, 'Out of memory.'],
  [MOSQ_ERR_PROTOCOL, 'A network protocol error occurred when communicating with the broker.'],
  [MOSQ_ERR_INVAL, 'Invalid function arguments provided.'],
  [MOSQ_ERR_NO_CONN, 'The client is not currently connected.'],
  [MOSQ_ERR_CONN_REFUSED, 'The connection was refused.'],
  [MOSQ_ERR_NOT_FOUND, 'Message not found (internal error).'],
  [MOSQ_ERR_CONN_LOST, 'The connection was lost.'],
  [MOSQ_ERR_TLS, 'A TLS error occurred.'],
  [MOSQ_ERR_PAYLOAD_SIZE, 'Payload too large.'],
  [MOSQ_ERR_NOT_SUPPORTED, 'This feature is not supported.'],
  [MOSQ_ERR_AUTH, 'Authorisation failed.'],
  [MOSQ_ERR_ACL_DENIED, 'Access denied by ACL.'],
  [MOSQ_ERR_UNKNOWN, 'Unknown error.'],
  [MOSQ_ERR_EAI, 'Lookup error.'],
  [MOSQ_ERR_PROXY, 'Proxy error.'],
  [MOSQ_ERR_MALFORMED_UTF8, 'Malformed UTF-8'],
  [MOSQ_ERR_DUPLICATE_PROPERTY, 'Duplicate property in property list'],
  [MOSQ_ERR_TLS_HANDSHAKE, 'TLS handshake failed.'],
  [MOSQ_ERR_QOS_NOT_SUPPORTED, 'Requested QoS not supported on server.'],
  [MOSQ_ERR_OVERSIZE_PACKET, 'Packet larger than supported by the server.'],
  [MOSQ_ERR_OCSP, 'OCSP error.'],
]);

/**
 * The text mosquitto prints for an error code.
 * @adapted a lookup table replaces the switch; MOSQ_ERR_ERRNO has no errno to describe under Node
 */
export function mosquitto_strerror(mosq_errno: number): string {
  if (mosq_errno === MOSQ_ERR_ERRNO) return 'Unknown error.';
  return ERROR_TEXT.get(mosq_errno) ?? 'Unknown error.';
}

const CONNACK_TEXT = [
  'Connection Accepted.',
  'Connection Refused: unacceptable protocol version.',
  'Connection Refused: identifier rejected.',
  'Connection Refused: broker unavailable.',
  'Connection Refused: bad user name or password.',
  'Connection Refused: not authorised.',
];

/**
 * The text for an MQTT 3.x CONNACK return code.
 * @adapted a lookup table replaces the switch
 */
export function mosquitto_connack_string(connack_code: number): string {
  return CONNACK_TEXT[connack_code] ?? 'Connection Refused: unknown reason.';
}

/** Texts for MQTT 5 reason codes; several codes share a number, and the first text listed wins, as in the C switch. */
const REASON_TEXT = new Map<number, string>();
for (const [code, text] of [
  [MQTT_RC_SUCCESS, 'Success'],
  [MQTT_RC_GRANTED_QOS1, 'Granted QoS 1'],
  [MQTT_RC_GRANTED_QOS2, 'Granted QoS 2'],
  [MQTT_RC_DISCONNECT_WITH_WILL_MSG, 'Disconnect with Will Message'],
  [MQTT_RC_NO_MATCHING_SUBSCRIBERS, 'No matching subscribers'],
  [MQTT_RC_NO_SUBSCRIPTION_EXISTED, 'No subscription existed'],
  [MQTT_RC_CONTINUE_AUTHENTICATION, 'Continue authentication'],
  [MQTT_RC_REAUTHENTICATE, 'Re-authenticate'],
  [MQTT_RC_UNSPECIFIED, 'Unspecified error'],
  [MQTT_RC_MALFORMED_PACKET, 'Malformed Packet'],
  [MQTT_RC_PROTOCOL_ERROR, 'Protocol Error'],
  [MQTT_RC_IMPLEMENTATION_SPECIFIC, 'Implementation specific error'],
  [MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION, 'Unsupported Protocol Version'],
  [MQTT_RC_CLIENTID_NOT_VALID, 'Client Identifier not valid'],
  [MQTT_RC_BAD_USERNAME_OR_PASSWORD, 'Bad User Name or Password'],
  [MQTT_RC_NOT_AUTHORIZED, 'Not authorized'],
  [MQTT_RC_SERVER_UNAVAILABLE, 'Server unavailable'],
  [MQTT_RC_SERVER_BUSY, 'Server busy'],
  [MQTT_RC_BANNED, 'Banned'],
  [MQTT_RC_SERVER_SHUTTING_DOWN, 'Server shutting down'],
  [MQTT_RC_BAD_AUTHENTICATION_METHOD, 'Bad authentication method'],
  [MQTT_RC_KEEP_ALIVE_TIMEOUT, 'Keep Alive timeout'],
  [MQTT_RC_SESSION_TAKEN_OVER, 'Session taken over'],
  [MQTT_RC_TOPIC_FILTER_INVALID, 'Topic Filter invalid'],
  [MQTT_RC_TOPIC_NAME_INVALID, 'Topic Name invalid'],
  [MQTT_RC_PACKET_ID_IN_USE, 'Packet Identifier in use'],
  [MQTT_RC_PACKET_ID_NOT_FOUND, 'Packet Identifier not found'],
  [MQTT_RC_RECEIVE_MAXIMUM_EXCEEDED, 'Receive Maximum exceeded'],
  [MQTT_RC_TOPIC_ALIAS_INVALID, 'Topic Alias invalid'],
  [MQTT_RC_PACKET_TOO_LARGE, 'Packet too large'],
  [MQTT_RC_MESSAGE_RATE_TOO_HIGH, 'Message rate too high'],
  [MQTT_RC_QUOTA_EXCEEDED, 'Quota exceeded'],
  [MQTT_RC_ADMINISTRATIVE_ACTION, 'Administrative action'],
  [MQTT_RC_PAYLOAD_FORMAT_INVALID, 'Payload format invalid'],
  [MQTT_RC_RETAIN_NOT_SUPPORTED, 'Retain not supported'],
  [MQTT_RC_QOS_NOT_SUPPORTED, 'QoS not supported'],
  [MQTT_RC_USE_ANOTHER_SERVER, 'Use another server'],
  [MQTT_RC_SERVER_MOVED, 'Server moved'],
  [MQTT_RC_SHARED_SUBS_NOT_SUPPORTED, 'Shared Subscriptions not supported'],
  [MQTT_RC_CONNECTION_RATE_EXCEEDED, 'Connection rate exceeded'],
  [MQTT_RC_MAXIMUM_CONNECT_TIME, 'Maximum connect time'],
  [MQTT_RC_SUBSCRIPTION_IDS_NOT_SUPPORTED, 'Subscription identifiers not supported'],
  [MQTT_RC_WILDCARD_SUBS_NOT_SUPPORTED, 'Wildcard Subscriptions not supported'],
] as const) {
  if (!REASON_TEXT.has(code)) REASON_TEXT.set(code, text);
}

/**
 * The text for an MQTT 5 reason code.
 * @adapted a lookup table replaces the switch
 */
export function mosquitto_reason_string(reason_code: number): string {
  return REASON_TEXT.get(reason_code) ?? 'Unknown reason';
}

const COMMAND_NAMES = new Map<string, number>([
  ['connect', CMD_CONNECT],
  ['connack', CMD_CONNACK],
  ['publish', CMD_PUBLISH],
  ['puback', CMD_PUBACK],
  ['pubrec', CMD_PUBREC],
  ['pubrel', CMD_PUBREL],
  ['pubcomp', CMD_PUBCOMP],
  ['subscribe', CMD_SUBSCRIBE],
  ['unsubscribe', CMD_UNSUBSCRIBE],
  ['disconnect', CMD_DISCONNECT],
  ['auth', CMD_AUTH],
  ['will', CMD_WILL],
]);

/**
 * The packet type for a command name, ignoring case ("publish" gives CMD_PUBLISH).
 * @adapted returns the command with the code instead of writing through a pointer
 */
export function mosquitto_string_to_command(str: string): { rc: number; cmd: number } {
  const cmd = COMMAND_NAMES.get(str.toLowerCase());
  return cmd === undefined ? { rc: MOSQ_ERR_INVAL, cmd: 0 } : { rc: MOSQ_ERR_SUCCESS, cmd };
}
