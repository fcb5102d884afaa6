/**
 * The chunk printers of mosquitto's db_dump (apps/db_dump/print.c): one block of tab-indented
 * `Name: value` lines per chunk, MQTT 5 properties listed by name.
 *
 * Numbers print as the C format does: a `%d` of an unsigned 32-bit field shows values above
 * 2^31 as negative, `PRIu64` shows the 64-bit fields unsigned.
 * @module
 */
import { MOSQ_ERR_SUCCESS } from '../../include/mosquitto.js';
import {
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
  MQTT_PROP_USER_PROPERTY,
  MQTT_PROP_WILDCARD_SUB_AVAILABLE,
  MQTT_PROP_WILL_DELAY_INTERVAL,
} from '../../include/mqtt_protocol.js';
import type { mosquitto_property } from '../../lib/property_mosq.js';
import { mosquitto_validate_utf8 } from '../../lib/utf8_mosq.js';
import type { P_client, P_client_msg, P_msg_store, P_sub } from '../../broker/persist.js';

/** Output not yet written to stdout (C: stdout's buffer). */
let out: string[] = [];
let out_len = 0;

/**
 * Appends text to standard output, buffered as stdio does.
 * @tsonly printf() stand-in; the caller formats the text
 */
export function printf(text: string): void {
  out.push(text);
  out_len += text.length;
  if (out_len >= 65536) {
    fflush_stdout();
  }
}

/**
 * Writes out what printf buffered.
 * @tsonly fflush(stdout), which C does at exit
 */
export function fflush_stdout(): void {
  if (out_len === 0) return;
  process.stdout.write(out.join(''));
  out = [];
  out_len = 0;
}

/**
 * A `%d` of a 32-bit field: the value as a signed int.
 * @tsonly printf's int conversion
 */
export function pd(n: number): string {
  return String(n | 0);
}

/**
 * A `PRIu64` of a 64-bit field: the value as an unsigned 64-bit integer.
 * @tsonly printf's uint64 conversion
 */
export function pu64(n: bigint): string {
  return BigInt.asUintN(64, n).toString();
}

/**
 * A `%s` of a C string, which glibc prints as `(null)` when the pointer is NULL.
 * @tsonly printf's string conversion
 */
export function ps(str: string | null): string {
  return str ?? '(null)';
}

/**
 * Binary data as upper-case hex pairs.
 * @tsonly the `%02X` loop of print__properties
 */
function hex(data: Buffer | null, len: number): string {
  return data ? data.subarray(0, len).toString('hex').toUpperCase() : '';
}

/** Prints a property list, one line per property, under a `Properties:` line. */
function print__properties(properties: mosquitto_property[] | null): void {
  if (properties === null) return;

  printf('\tProperties:\n');

  for (const p of properties) {
    switch (p.identifier) {
      case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
        printf(`\t\tPayload format indicator: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_REQUEST_PROBLEM_INFORMATION:
        printf(`\t\tRequest problem information: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_REQUEST_RESPONSE_INFORMATION:
        printf(`\t\tRequest response information: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_MAXIMUM_QOS:
        printf(`\t\tMaximum QoS: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_RETAIN_AVAILABLE:
        printf(`\t\tRetain available: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
        printf(`\t\tWildcard sub available: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
        printf(`\t\tSubscription ID available: ${p.value.i8}\n`);
        break;
      case MQTT_PROP_SHARED_SUB_AVAILABLE:
        printf(`\t\tShared subscription available: ${p.value.i8}\n`);
        break;

      case MQTT_PROP_SERVER_KEEP_ALIVE:
        printf(`\t\tServer keep alive: ${p.value.i16}\n`);
        break;
      case MQTT_PROP_RECEIVE_MAXIMUM:
        printf(`\t\tReceive maximum: ${p.value.i16}\n`);
        break;
      case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
        printf(`\t\tTopic alias maximum: ${p.value.i16}\n`);
        break;
      case MQTT_PROP_TOPIC_ALIAS:
        printf(`\t\tTopic alias: ${p.value.i16}\n`);
        break;

      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
        printf(`\t\tMessage expiry interval: ${pd(p.value.i32)}\n`);
        break;
      case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
        printf(`\t\tSession expiry interval: ${pd(p.value.i32)}\n`);
        break;
      case MQTT_PROP_WILL_DELAY_INTERVAL:
        printf(`\t\tWill delay interval: ${pd(p.value.i32)}\n`);
        break;
      case MQTT_PROP_MAXIMUM_PACKET_SIZE:
        printf(`\t\tMaximum packet size: ${pd(p.value.i32)}\n`);
        break;

      case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
        printf(`\t\tSubscription identifier: ${pd(p.value.varint)}\n`);
        break;

      case MQTT_PROP_CONTENT_TYPE:
        printf(`\t\tContent type: ${ps(p.value.s.v)}\n`);
        break;
      case MQTT_PROP_RESPONSE_TOPIC:
        printf(`\t\tResponse topic: ${ps(p.value.s.v)}\n`);
        break;
      case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
        printf(`\t\tAssigned client identifier: ${ps(p.value.s.v)}\n`);
        break;
      case MQTT_PROP_AUTHENTICATION_METHOD:
        printf(`\t\tAuthentication method: ${ps(p.value.s.v)}\n`);
        break;
      case MQTT_PROP_RESPONSE_INFORMATION:
        printf(`\t\tResponse information: ${ps(p.value.s.v)}\n`);
        break;
      case MQTT_PROP_SERVER_REFERENCE:
        printf(`\t\tServer reference: ${ps(p.value.s.v)}\n`);
        break;
      case MQTT_PROP_REASON_STRING:
        printf(`\t\tReason string: ${ps(p.value.s.v)}\n`);
        break;

      case MQTT_PROP_AUTHENTICATION_DATA:
        printf(`\t\tAuthentication data: ${hex(p.value.bin.v, p.value.bin.len)}\n`);
        break;
      case MQTT_PROP_CORRELATION_DATA:
        printf(`\t\tCorrelation data: ${hex(p.value.bin.v, p.value.bin.len)}\n`);
        break;

      case MQTT_PROP_USER_PROPERTY:
        printf(`\t\tUser property: ${ps(p.name.v)} , ${ps(p.value.s.v)}\n`);
        break;

      default:
        printf(`\t\tInvalid property type: ${p.identifier}\n`);
        break;
    }
  }
}

/** Prints a client chunk; the username and listener port only when set. */
export function print__client(chunk: P_client, length: number): void {
  printf('DB_CHUNK_CLIENT:\n');
  printf(`\tLength: ${pd(length)}\n`);
  printf(`\tClient ID: ${ps(chunk.client_id)}\n`);
  if (chunk.username) {
    printf(`\tUsername: ${chunk.username}\n`);
  }
  if (chunk.F.listener_port > 0) {
    printf(`\tListener port: ${chunk.F.listener_port}\n`);
  }
  printf(`\tLast MID: ${chunk.F.last_mid}\n`);
  printf(`\tSession expiry time: ${pu64(chunk.F.session_expiry_time)}\n`);
  printf(`\tSession expiry interval: ${chunk.F.session_expiry_interval >>> 0}\n`);
}

/** Prints a client message chunk and its properties. */
export function print__client_msg(chunk: P_client_msg, length: number): void {
  printf('DB_CHUNK_CLIENT_MSG:\n');
  printf(`\tLength: ${pd(length)}\n`);
  printf(`\tClient ID: ${ps(chunk.client_id)}\n`);
  printf(`\tStore ID: ${pu64(chunk.F.store_id)}\n`);
  printf(`\tMID: ${chunk.F.mid}\n`);
  printf(`\tQoS: ${chunk.F.qos}\n`);
  printf(`\tRetain: ${(chunk.F.retain_dup & 0xf0) >> 4}\n`);
  printf(`\tDirection: ${chunk.F.direction}\n`);
  printf(`\tState: ${chunk.F.state}\n`);
  printf(`\tDup: ${chunk.F.retain_dup & 0x0f}\n`);
  print__properties(chunk.properties);
}

/**
 * Prints a stored message chunk: the payload too when it is shorter than 256 bytes and valid
 * UTF-8 (the source client id and username are not printed).
 */
export function print__msg_store(chunk: P_msg_store, length: number): void {
  printf('DB_CHUNK_MSG_STORE:\n');
  printf(`\tLength: ${pd(length)}\n`);
  printf(`\tStore ID: ${pu64(chunk.F.store_id)}\n`);
  printf(`\tSource Port: ${chunk.F.source_port}\n`);
  printf(`\tSource MID: ${chunk.F.source_mid}\n`);
  printf(`\tTopic: ${ps(chunk.topic)}\n`);
  printf(`\tQoS: ${chunk.F.qos}\n`);
  printf(`\tRetain: ${chunk.F.retain}\n`);
  printf(`\tPayload Length: ${pd(chunk.F.payloadlen)}\n`);
  printf(`\tExpiry Time: ${pu64(chunk.F.expiry_time)}\n`);

  const payload = chunk.payload;
  if (chunk.F.payloadlen < 256) {
    /* Short UTF-8 payloads are worth showing. */
    if (mosquitto_validate_utf8(payload, chunk.F.payloadlen) === MOSQ_ERR_SUCCESS) {
      printf(`\tPayload: ${payload!.toString('utf8', 0, chunk.F.payloadlen)}\n`);
    }
  }

  print__properties(chunk.properties);
}

/** Prints a subscription chunk. */
export function print__sub(chunk: P_sub, length: number): void {
  printf('DB_CHUNK_SUB:\n');
  printf(`\tLength: ${length >>> 0}\n`);
  printf(`\tClient ID: ${ps(chunk.client_id)}\n`);
  printf(`\tTopic: ${ps(chunk.topic)}\n`);
  printf(`\tQoS: ${chunk.F.qos}\n`);
  printf(`\tSubscription ID: ${pd(chunk.F.identifier)}\n`);
  printf(`\tOptions: 0x${chunk.F.options.toString(16).toUpperCase().padStart(2, '0')}\n`);
}
