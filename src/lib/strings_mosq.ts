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
