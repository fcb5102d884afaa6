/*
 * MQTT 5 properties: the intent of mosquitto's test/unit/property_read.c, property_write.c,
 * property_add.c and property_user_read.c. Property blocks are parsed from bytes and checked for
 * return codes (malformed, duplicate, not allowed in the packet, bad values), written and read
 * back, and the public list helpers are exercised.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_DUPLICATE_PROPERTY,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_MALFORMED_UTF8,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
} from '../../../src/include/mosquitto.js';
import {
  CMD_AUTH,
  CMD_CONNACK,
  CMD_CONNECT,
  CMD_DISCONNECT,
  CMD_PUBACK,
  CMD_PUBCOMP,
  CMD_PUBLISH,
  CMD_PUBREC,
  CMD_PUBREL,
  CMD_SUBACK,
  CMD_SUBSCRIBE,
  CMD_UNSUBACK,
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
} from '../../../src/include/mqtt_protocol.js';
import type { mosquitto__packet } from '../../../src/lib/mosquitto_internal.js';
import {
  mosquitto_property_add_binary,
  mosquitto_property_add_byte,
  mosquitto_property_add_int16,
  mosquitto_property_add_int32,
  mosquitto_property_add_string,
  mosquitto_property_add_string_pair,
  mosquitto_property_add_varint,
  mosquitto_property_check_all,
  mosquitto_property_check_command,
  mosquitto_property_copy_all,
  mosquitto_property_free_all,
  mosquitto_property_identifier,
  mosquitto_property_identifier_to_string,
  mosquitto_property_next,
  mosquitto_property_read_binary,
  mosquitto_property_read_byte,
  mosquitto_property_read_int16,
  mosquitto_property_read_int32,
  mosquitto_property_read_string,
  mosquitto_property_read_string_pair,
  mosquitto_property_read_varint,
  mosquitto_string_to_property_info,
  property__get_length,
  property__get_length_all,
  property__get_remaining_length,
  property__new,
  property__read_all,
  property__write_all,
} from '../../../src/lib/property_mosq.js';
import type { mosquitto_property } from '../../../src/lib/property_mosq.js';

/* property_mosq logs unknown identifiers through the broker's logger; record the calls instead. */
const log = vi.hoisted(() => ({ lines: [] as [number, string][] }));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string): number => {
    log.lines.push([priority, msg]);
    return 0;
  },
}));

beforeEach(() => {
  log.lines = [];
});

function in_packet(bytes: number[], remaining_length?: number): mosquitto__packet {
  const payload = Buffer.from(bytes);
  return {
    payload,
    next: null,
    remaining_mult: 1,
    remaining_length: remaining_length ?? payload.length,
    packet_length: 0,
    to_process: 0,
    pos: 0,
    mid: 0,
    command: 0,
    remaining_count: 0,
  };
}

/** A property block: the length as a one-byte varint, then the bytes. */
function block(...bytes: number[]): number[] {
  return [bytes.length, ...bytes];
}

function str(s: string): number[] {
  const b = Buffer.from(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}

function read(command: number, bytes: number[], remaining_length?: number) {
  const packet = in_packet(bytes, remaining_length);
  const r = property__read_all(command, packet);
  return { ...r, pos: packet.pos };
}

/** Writes a list with its length the way a packet would, and returns the bytes. */
function write(props: mosquitto_property[] | null): Buffer {
  const size = property__get_remaining_length(props);
  const packet = { ...in_packet([]), payload: Buffer.alloc(size), packet_length: size };
  expect(property__write_all(packet, props, true)).toBe(MOSQ_ERR_SUCCESS);
  expect(packet.pos).toBe(size);
  return packet.payload;
}

const BYTE_PROPS: [number, number][] = [
  [MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, CMD_PUBLISH],
  [MQTT_PROP_REQUEST_PROBLEM_INFORMATION, CMD_CONNECT],
  [MQTT_PROP_REQUEST_RESPONSE_INFORMATION, CMD_CONNECT],
  [MQTT_PROP_MAXIMUM_QOS, CMD_CONNACK],
  [MQTT_PROP_RETAIN_AVAILABLE, CMD_CONNACK],
  [MQTT_PROP_WILDCARD_SUB_AVAILABLE, CMD_CONNACK],
  [MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE, CMD_CONNACK],
  [MQTT_PROP_SHARED_SUB_AVAILABLE, CMD_CONNACK],
];
const INT16_PROPS: [number, number][] = [
  [MQTT_PROP_SERVER_KEEP_ALIVE, CMD_CONNACK],
  [MQTT_PROP_RECEIVE_MAXIMUM, CMD_CONNACK],
  [MQTT_PROP_TOPIC_ALIAS_MAXIMUM, CMD_CONNECT],
  [MQTT_PROP_TOPIC_ALIAS, CMD_PUBLISH],
];
const INT32_PROPS: [number, number][] = [
  [MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, CMD_WILL],
  [MQTT_PROP_SESSION_EXPIRY_INTERVAL, CMD_DISCONNECT],
  [MQTT_PROP_WILL_DELAY_INTERVAL, CMD_WILL],
  [MQTT_PROP_MAXIMUM_PACKET_SIZE, CMD_CONNECT],
];
const STRING_PROPS: [number, number][] = [
  [MQTT_PROP_CONTENT_TYPE, CMD_PUBLISH],
  [MQTT_PROP_RESPONSE_TOPIC, CMD_WILL],
  [MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, CMD_CONNACK],
  [MQTT_PROP_AUTHENTICATION_METHOD, CMD_AUTH],
  [MQTT_PROP_RESPONSE_INFORMATION, CMD_CONNACK],
  [MQTT_PROP_SERVER_REFERENCE, CMD_CONNACK],
  [MQTT_PROP_REASON_STRING, CMD_PUBCOMP],
];
const BINARY_PROPS: [number, number][] = [
  [MQTT_PROP_CORRELATION_DATA, CMD_PUBLISH],
  [MQTT_PROP_AUTHENTICATION_DATA, CMD_CONNECT],
];

describe('property__read_all: block structure', () => {
  it('reads an empty block as no properties', () => {
    expect(read(CMD_CONNECT, [0, 0, 0, 0, 0], 1)).toEqual({ rc: MOSQ_ERR_SUCCESS, properties: null, pos: 1 });
  });

  it('fails on truncated blocks', () => {
    expect(read(CMD_CONNECT, [], 0)).toEqual({ rc: MOSQ_ERR_PROTOCOL, properties: null, pos: 0 });
    expect(read(CMD_CONNECT, [2, 0], 1)).toEqual({ rc: MOSQ_ERR_PROTOCOL, properties: null, pos: 1 });
    expect(read(CMD_CONNECT, [4, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 0], 2))
      .toEqual({ rc: MOSQ_ERR_PROTOCOL, properties: null, pos: 2 });
    /* a string whose bytes run past the packet */
    expect(read(CMD_PUBLISH, [6, MQTT_PROP_CONTENT_TYPE, 0, 5, 0x61]).rc).toBe(MOSQ_ERR_PROTOCOL);
    /* a user property missing its value */
    expect(read(CMD_PUBLISH, block(MQTT_PROP_USER_PROPERTY, ...str('name'))).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('refuses unknown property identifiers as malformed, and logs them at debug level', () => {
    expect(read(CMD_CONNECT, [4, 0, 0, 0, 0], 2)).toEqual({ rc: MOSQ_ERR_MALFORMED_PACKET, properties: null, pos: 2 });
    expect(read(CMD_CONNECT, [4, 4, 0, 0, 0], 2)).toEqual({ rc: MOSQ_ERR_MALFORMED_PACKET, properties: null, pos: 2 });
    expect(log.lines).toEqual([
      [MOSQ_LOG_DEBUG, 'Unsupported property type: 0'],
      [MOSQ_LOG_DEBUG, 'Unsupported property type: 4'],
    ]);
    /* an identifier written as a two-byte varint is unknown too */
    expect(read(CMD_PUBLISH, block(0x81, 0x00, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_PUBLISH, block(0x81, 0x01, 1)).rc).toBe(MOSQ_ERR_MALFORMED_PACKET);
  });

  it('keeps reading past a property that overruns the declared length (unsigned wrap, as in C)', () => {
    /* proplen 1 but the property takes 2 bytes: the length wraps and the next read hits the end */
    expect(read(CMD_PUBLISH, [1, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1]).rc).toBe(MOSQ_ERR_PROTOCOL);
    /* ...or an invalid identifier in what follows */
    expect(read(CMD_PUBLISH, [1, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1, 0x61, 0x62]).rc).toBe(MOSQ_ERR_MALFORMED_PACKET);
  });

  it('a block with a five-byte length is refused', () => {
    expect(read(CMD_PUBLISH, [0x80, 0x80, 0x80, 0x80, 0x01]).rc).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('property__read_all: single properties', () => {
  it.each(BYTE_PROPS)('byte property %i', (id, command) => {
    const r = read(command, block(id, 1));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.pos).toBe(3);
    expect(r.properties).toHaveLength(1);
    expect(r.properties![0].identifier).toBe(id);
    expect(r.properties![0].value.i8).toBe(1);
    expect(r.properties![0].client_generated).toBe(false);
    expect(property__get_length_all(r.properties)).toBe(2);
  });

  it.each(INT16_PROPS)('two byte integer property %i', (id, command) => {
    const r = read(command, block(id, 0x68, 0x42));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties![0].value.i16).toBe(0x6842);
    expect(property__get_length_all(r.properties)).toBe(3);
  });

  it.each(INT32_PROPS)('four byte integer property %i', (id, command) => {
    const r = read(command, block(id, 0xf2, 0x23, 0x34, 0x45));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties![0].value.i32).toBe(0xf2233445);
    expect(property__get_length_all(r.properties)).toBe(5);
  });

  it.each(STRING_PROPS)('string property %i', (id, command) => {
    const r = read(command, block(id, ...str('hello')));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties![0].value.s).toEqual({ v: 'hello', len: 5 });
    expect(property__get_length_all(r.properties)).toBe(1 + 2 + 5);
  });

  it.each(STRING_PROPS)('string property %i refuses malformed UTF-8', (id, command) => {
    expect(read(command, block(id, 0, 4, 0x61, 0xed, 0xa0, 0x80)).rc).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it.each(BINARY_PROPS)('binary property %i is copied out of the packet', (id, command) => {
    const bytes = block(id, 0, 5, 0x00, 0xff, 0xed, 0xa0, 0x80);
    const packet = in_packet(bytes);
    const r = property__read_all(command, packet);
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    const bin = r.properties![0].value.bin;
    expect(bin.len).toBe(5);
    expect([...bin.v!]).toEqual([0x00, 0xff, 0xed, 0xa0, 0x80]);
    packet.payload.fill(0);
    expect([...bin.v!]).toEqual([0x00, 0xff, 0xed, 0xa0, 0x80]);
    expect(property__get_length_all(r.properties)).toBe(8);
  });

  it('empty string and binary values read as null with length 0', () => {
    const r = read(CMD_PUBLISH, block(MQTT_PROP_CONTENT_TYPE, 0, 0, MQTT_PROP_CORRELATION_DATA, 0, 0));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties![0].value.s).toEqual({ v: null, len: 0 });
    expect(r.properties![1].value.bin).toEqual({ v: null, len: 0 });
  });

  it('user property: name and value', () => {
    const r = read(CMD_PUBLISH, block(MQTT_PROP_USER_PROPERTY, ...str('za'), ...str('bc')));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties![0].name).toEqual({ v: 'za', len: 2 });
    expect(r.properties![0].value.s).toEqual({ v: 'bc', len: 2 });
    expect(property__get_length_all(r.properties)).toBe(1 + 2 + 2 + 2 + 2);
  });

  it('user property refuses malformed UTF-8 in name or value', () => {
    expect(read(CMD_PUBLISH, block(MQTT_PROP_USER_PROPERTY, 0, 1, 0x01, ...str('v'))).rc).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(read(CMD_PUBLISH, block(MQTT_PROP_USER_PROPERTY, ...str('n'), 0, 1, 0xff)).rc).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('subscription identifier at each varint boundary', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x7f], 127],
      [[0x80, 0x01], 128],
      [[0xff, 0x7f], 16383],
      [[0x80, 0x80, 0x01], 16384],
      [[0xff, 0xff, 0x7f], 2097151],
      [[0x80, 0x80, 0x80, 0x01], 2097152],
      [[0xff, 0xff, 0xff, 0x7f], 268435455],
    ];
    for (const [bytes, value] of cases) {
      const r = read(CMD_PUBLISH, block(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, ...bytes));
      expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
      expect(r.properties![0].value.varint).toBe(value);
      expect(property__get_length_all(r.properties)).toBe(1 + bytes.length);
    }
  });

  it('subscription identifier: a five-byte value is refused', () => {
    expect(read(CMD_PUBLISH, block(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 0xff, 0xff, 0xff, 0xff, 0x01)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('property__read_all: duplicates', () => {
  it.each(BYTE_PROPS)('byte property %i twice', (id, command) => {
    expect(read(command, block(id, 1, id, 0)).rc).toBe(MOSQ_ERR_DUPLICATE_PROPERTY);
  });

  it.each(INT16_PROPS)('two byte integer property %i twice', (id, command) => {
    expect(read(command, block(id, 0, 1, id, 0, 1)).rc).toBe(MOSQ_ERR_DUPLICATE_PROPERTY);
  });

  it.each(INT32_PROPS)('four byte integer property %i twice', (id, command) => {
    expect(read(command, block(id, 0, 0, 0, 1, id, 0, 0, 0, 1)).rc).toBe(MOSQ_ERR_DUPLICATE_PROPERTY);
  });

  it.each([...STRING_PROPS, ...BINARY_PROPS])('string or binary property %i twice', (id, command) => {
    expect(read(command, block(id, 0, 0, id, 0, 0)).rc).toBe(MOSQ_ERR_DUPLICATE_PROPERTY);
  });

  it('subscription identifier twice', () => {
    expect(read(CMD_PUBLISH, block(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 1, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 2)).rc)
      .toBe(MOSQ_ERR_DUPLICATE_PROPERTY);
    /* the C test's block: the declared length ends inside the second property */
    expect(read(CMD_PUBLISH, [4, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 0x80, 0x02, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 0x04], 5).rc)
      .toBe(MOSQ_ERR_PROTOCOL);
  });

  it('user properties may repeat, and keep their order', () => {
    const r = read(CMD_PUBLISH, block(
      MQTT_PROP_USER_PROPERTY, ...str('ab'), ...str('cd'),
      MQTT_PROP_USER_PROPERTY, ...str('ef'), ...str('gh'),
      MQTT_PROP_USER_PROPERTY, ...str('ab'), ...str('gh')));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties!.map((p) => [p.name.v, p.value.s.v])).toEqual([['ab', 'cd'], ['ef', 'gh'], ['ab', 'gh']]);
  });
});

describe('property__read_all: bad values', () => {
  it.each(BYTE_PROPS.filter(([id]) => id !== MQTT_PROP_PAYLOAD_FORMAT_INDICATOR))('byte property %i above 1', (id, command) => {
    expect(read(command, block(id, 2)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('payload format indicator is not limited to 0 and 1', () => {
    expect(read(CMD_PUBLISH, block(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 2)).rc).toBe(MOSQ_ERR_SUCCESS);
  });

  it('zero is refused for maximum packet size, receive maximum and topic alias', () => {
    expect(read(CMD_CONNACK, block(MQTT_PROP_MAXIMUM_PACKET_SIZE, 0, 0, 0, 0)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_CONNECT, block(MQTT_PROP_RECEIVE_MAXIMUM, 0, 0)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_PUBLISH, block(MQTT_PROP_TOPIC_ALIAS, 0, 0)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_CONNECT, block(MQTT_PROP_TOPIC_ALIAS_MAXIMUM, 0, 0)).rc).toBe(MOSQ_ERR_SUCCESS);
  });

  it('a bad value is reported before a duplicate of it', () => {
    expect(read(CMD_CONNACK, block(MQTT_PROP_MAXIMUM_QOS, 2, MQTT_PROP_MAXIMUM_QOS, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('property__read_all: properties in the wrong packet', () => {
  it('refuses a property the packet type may not carry', () => {
    expect(read(CMD_PUBLISH, block(MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0, 0, 0, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_CONNECT, block(MQTT_PROP_TOPIC_ALIAS, 0, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_SUBSCRIBE, block(MQTT_PROP_REASON_STRING, ...str('r'))).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_CONNECT, block(MQTT_PROP_WILL_DELAY_INTERVAL, 0, 0, 0, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('a duplicate is reported only after the earlier property passed its packet check', () => {
    expect(read(CMD_CONNECT, block(MQTT_PROP_TOPIC_ALIAS, 0, 1, MQTT_PROP_TOPIC_ALIAS, 0, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('property__read_all: whole packets', () => {
  const reason_user = block(MQTT_PROP_REASON_STRING, ...str('reason'), MQTT_PROP_USER_PROPERTY, ...str('name'), ...str('value'));

  it.each([CMD_PUBACK, CMD_PUBREC, CMD_PUBREL, CMD_PUBCOMP, CMD_SUBACK, CMD_UNSUBACK])(
    'reason string and user property in command %i', (command) => {
      const r = read(command, reason_user);
      expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
      expect(r.properties).toHaveLength(2);
      expect(r.properties![0].identifier).toBe(MQTT_PROP_REASON_STRING);
      expect(r.properties![0].value.s).toEqual({ v: 'reason', len: 6 });
      expect(r.properties![1].identifier).toBe(MQTT_PROP_USER_PROPERTY);
      expect(r.properties![1].name).toEqual({ v: 'name', len: 4 });
      expect(r.properties![1].value.s).toEqual({ v: 'value', len: 5 });
    });

  it('CONNECT', () => {
    const r = read(CMD_CONNECT, block(
      MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0x12, 0x45, 0x00, 0x00,
      MQTT_PROP_RECEIVE_MAXIMUM, 0x00, 0x05,
      MQTT_PROP_MAXIMUM_PACKET_SIZE, 0x12, 0x45, 0x00, 0x00,
      MQTT_PROP_TOPIC_ALIAS_MAXIMUM, 0x00, 0x02,
      MQTT_PROP_REQUEST_RESPONSE_INFORMATION, 1,
      MQTT_PROP_REQUEST_PROBLEM_INFORMATION, 1,
      MQTT_PROP_USER_PROPERTY, ...str('name'), ...str('value'),
      MQTT_PROP_AUTHENTICATION_METHOD, ...str('none'),
      MQTT_PROP_AUTHENTICATION_DATA, 0, 2, 1, 2));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties!.map((p) => p.identifier)).toEqual([
      MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_MAXIMUM_PACKET_SIZE,
      MQTT_PROP_TOPIC_ALIAS_MAXIMUM, MQTT_PROP_REQUEST_RESPONSE_INFORMATION, MQTT_PROP_REQUEST_PROBLEM_INFORMATION,
      MQTT_PROP_USER_PROPERTY, MQTT_PROP_AUTHENTICATION_METHOD, MQTT_PROP_AUTHENTICATION_DATA,
    ]);
    expect(r.properties![0].value.i32).toBe(0x12450000);
    expect(r.properties![1].value.i16).toBe(5);
  });

  it('CONNACK', () => {
    const r = read(CMD_CONNACK, block(
      MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0, 0, 0, 1,
      MQTT_PROP_RECEIVE_MAXIMUM, 0, 5,
      MQTT_PROP_MAXIMUM_QOS, 1,
      MQTT_PROP_RETAIN_AVAILABLE, 0,
      MQTT_PROP_MAXIMUM_PACKET_SIZE, 0, 0, 1, 0,
      MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, ...str('id'),
      MQTT_PROP_TOPIC_ALIAS_MAXIMUM, 0, 3,
      MQTT_PROP_REASON_STRING, ...str('r'),
      MQTT_PROP_WILDCARD_SUB_AVAILABLE, 1,
      MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE, 1,
      MQTT_PROP_SHARED_SUB_AVAILABLE, 1,
      MQTT_PROP_SERVER_KEEP_ALIVE, 0, 60,
      MQTT_PROP_RESPONSE_INFORMATION, ...str('info'),
      MQTT_PROP_SERVER_REFERENCE, ...str('other'),
      MQTT_PROP_AUTHENTICATION_METHOD, ...str('m'),
      MQTT_PROP_AUTHENTICATION_DATA, 0, 1, 9));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties).toHaveLength(16);
  });

  it('PUBLISH and will properties', () => {
    const props = block(
      MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1,
      MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 0, 0, 0, 60,
      MQTT_PROP_CONTENT_TYPE, ...str('text/plain'),
      MQTT_PROP_RESPONSE_TOPIC, ...str('re/ply'),
      MQTT_PROP_CORRELATION_DATA, 0, 2, 7, 8,
      MQTT_PROP_USER_PROPERTY, ...str('k'), ...str('v'));
    expect(read(CMD_PUBLISH, [...props]).rc).toBe(MOSQ_ERR_SUCCESS);
    expect(read(CMD_WILL, [...props]).rc).toBe(MOSQ_ERR_SUCCESS);
    expect(read(CMD_PUBLISH, block(MQTT_PROP_TOPIC_ALIAS, 0, 1, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 4)).rc).toBe(MOSQ_ERR_SUCCESS);
    expect(read(CMD_WILL, block(MQTT_PROP_TOPIC_ALIAS, 0, 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(read(CMD_WILL, block(MQTT_PROP_WILL_DELAY_INTERVAL, 0, 0, 0, 5)).rc).toBe(MOSQ_ERR_SUCCESS);
  });

  it('SUBSCRIBE and UNSUBSCRIBE', () => {
    const sub = read(CMD_SUBSCRIBE, block(MQTT_PROP_USER_PROPERTY, ...str('name'), ...str('value'), MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 4));
    expect(sub.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(sub.properties!.map((p) => p.identifier)).toEqual([MQTT_PROP_USER_PROPERTY, MQTT_PROP_SUBSCRIPTION_IDENTIFIER]);
    expect(sub.properties![1].value.varint).toBe(4);
    expect(read(CMD_UNSUBSCRIBE, block(MQTT_PROP_USER_PROPERTY, ...str('name'), ...str('value'))).rc).toBe(MOSQ_ERR_SUCCESS);
    expect(read(CMD_UNSUBSCRIBE, block(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 4)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('DISCONNECT', () => {
    const r = read(CMD_DISCONNECT, block(
      MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0x12, 0x45, 0x00, 0x00,
      MQTT_PROP_REASON_STRING, ...str('reason'),
      MQTT_PROP_SERVER_REFERENCE, ...str('elsewhere'),
      MQTT_PROP_USER_PROPERTY, ...str('name'), ...str('value')));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties![0].value.i32).toBe(0x12450000);
    expect(r.properties![2].value.s.v).toBe('elsewhere');
  });

  it('AUTH', () => {
    const r = read(CMD_AUTH, block(
      MQTT_PROP_AUTHENTICATION_METHOD, ...str('none'),
      MQTT_PROP_AUTHENTICATION_DATA, 0, 2, 1, 2,
      MQTT_PROP_REASON_STRING, ...str('reason'),
      MQTT_PROP_USER_PROPERTY, ...str('name'), ...str('value')));
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.properties!.map((p) => p.identifier)).toEqual([
      MQTT_PROP_AUTHENTICATION_METHOD, MQTT_PROP_AUTHENTICATION_DATA, MQTT_PROP_REASON_STRING, MQTT_PROP_USER_PROPERTY,
    ]);
    expect([...r.properties![1].value.bin.v!]).toEqual([1, 2]);
  });
});

describe('mosquitto_property_check_command', () => {
  const ALL_COMMANDS = [CMD_CONNECT, CMD_CONNACK, CMD_PUBLISH, CMD_PUBACK, CMD_PUBREC, CMD_PUBREL, CMD_PUBCOMP,
    CMD_SUBSCRIBE, CMD_SUBACK, CMD_UNSUBSCRIBE, CMD_UNSUBACK, CMD_DISCONNECT, CMD_AUTH, CMD_WILL];
  /* Where each property may appear, from the MQTT 5 property table (with mosquitto's reading). */
  const allowed: [number, number[]][] = [
    [MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, [CMD_PUBLISH, CMD_WILL]],
    [MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, [CMD_PUBLISH, CMD_WILL]],
    [MQTT_PROP_CONTENT_TYPE, [CMD_PUBLISH, CMD_WILL]],
    [MQTT_PROP_RESPONSE_TOPIC, [CMD_PUBLISH, CMD_WILL]],
    [MQTT_PROP_CORRELATION_DATA, [CMD_PUBLISH, CMD_WILL]],
    [MQTT_PROP_SUBSCRIPTION_IDENTIFIER, [CMD_PUBLISH, CMD_SUBSCRIBE]],
    [MQTT_PROP_SESSION_EXPIRY_INTERVAL, [CMD_CONNECT, CMD_CONNACK, CMD_DISCONNECT]],
    [MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, [CMD_CONNACK]],
    [MQTT_PROP_SERVER_KEEP_ALIVE, [CMD_CONNACK]],
    [MQTT_PROP_AUTHENTICATION_METHOD, [CMD_CONNECT, CMD_CONNACK, CMD_AUTH]],
    [MQTT_PROP_AUTHENTICATION_DATA, [CMD_CONNECT, CMD_CONNACK, CMD_AUTH]],
    [MQTT_PROP_REQUEST_PROBLEM_INFORMATION, [CMD_CONNECT]],
    [MQTT_PROP_WILL_DELAY_INTERVAL, [CMD_WILL]],
    [MQTT_PROP_REQUEST_RESPONSE_INFORMATION, [CMD_CONNECT]],
    [MQTT_PROP_RESPONSE_INFORMATION, [CMD_CONNACK]],
    [MQTT_PROP_SERVER_REFERENCE, [CMD_CONNACK, CMD_DISCONNECT]],
    /* mosquitto only excludes the four packets a client sends without a reason; the will is let through */
    [MQTT_PROP_REASON_STRING, [CMD_CONNACK, CMD_PUBACK, CMD_PUBREC, CMD_PUBREL, CMD_PUBCOMP, CMD_SUBACK,
      CMD_UNSUBACK, CMD_DISCONNECT, CMD_AUTH, CMD_WILL]],
    [MQTT_PROP_RECEIVE_MAXIMUM, [CMD_CONNECT, CMD_CONNACK]],
    [MQTT_PROP_TOPIC_ALIAS_MAXIMUM, [CMD_CONNECT, CMD_CONNACK]],
    [MQTT_PROP_TOPIC_ALIAS, [CMD_PUBLISH]],
    [MQTT_PROP_MAXIMUM_QOS, [CMD_CONNACK]],
    [MQTT_PROP_RETAIN_AVAILABLE, [CMD_CONNACK]],
    [MQTT_PROP_USER_PROPERTY, ALL_COMMANDS],
    [MQTT_PROP_MAXIMUM_PACKET_SIZE, [CMD_CONNECT, CMD_CONNACK]],
    [MQTT_PROP_WILDCARD_SUB_AVAILABLE, [CMD_CONNACK]],
    [MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE, [CMD_CONNACK]],
    [MQTT_PROP_SHARED_SUB_AVAILABLE, [CMD_CONNACK]],
  ];

  it.each(allowed)('property %i', (id, commands) => {
    for (const command of ALL_COMMANDS) {
      expect(mosquitto_property_check_command(command, id), `command ${command}`)
        .toBe(commands.includes(command) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_PROTOCOL);
    }
  });

  it('refuses unknown identifiers everywhere', () => {
    for (const id of [0, 4, 10, 27, 43, 0x7f]) {
      expect(mosquitto_property_check_command(CMD_PUBLISH, id)).toBe(MOSQ_ERR_PROTOCOL);
    }
  });
});

describe('property writing', () => {
  it('writes each kind of property and reads it back', () => {
    let props: mosquitto_property[] | null = null;
    props = mosquitto_property_add_byte(props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1).proplist;
    props = mosquitto_property_add_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 0x80000001).proplist;
    props = mosquitto_property_add_string(props, MQTT_PROP_CONTENT_TYPE, 'κόσμε').proplist;
    props = mosquitto_property_add_binary(props, MQTT_PROP_CORRELATION_DATA, Buffer.from([0, 1, 2]), 3).proplist;
    props = mosquitto_property_add_varint(props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 16384).proplist;
    props = mosquitto_property_add_int16(props, MQTT_PROP_TOPIC_ALIAS, 0x1234).proplist;
    props = mosquitto_property_add_string_pair(props, MQTT_PROP_USER_PROPERTY, 'n', 'v').proplist;

    const bytes = write(props);
    const body = [
      MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1,
      MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 0x80, 0, 0, 1,
      MQTT_PROP_CONTENT_TYPE, ...str('κόσμε'),
      MQTT_PROP_CORRELATION_DATA, 0, 3, 0, 1, 2,
      MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 0x80, 0x80, 0x01,
      MQTT_PROP_TOPIC_ALIAS, 0x12, 0x34,
      MQTT_PROP_USER_PROPERTY, ...str('n'), ...str('v'),
    ];
    expect([...bytes]).toEqual([body.length, ...body]);
    expect(property__get_length_all(props)).toBe(body.length);
    expect(property__get_remaining_length(props)).toBe(body.length + 1);

    const back = read(CMD_PUBLISH, [...bytes]);
    expect(back.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(back.pos).toBe(bytes.length);
    expect(back.properties!.map((p) => ({ ...p, client_generated: true }))).toEqual(props);
  });

  it('round-trips every property type through write and read', () => {
    const cases: [mosquitto_property[] | null, number][] = [];
    for (const [id, command] of BYTE_PROPS) cases.push([mosquitto_property_add_byte(null, id, 1).proplist, command]);
    for (const [id, command] of INT16_PROPS) cases.push([mosquitto_property_add_int16(null, id, 0xffff).proplist, command]);
    for (const [id, command] of INT32_PROPS) cases.push([mosquitto_property_add_int32(null, id, 0xffffffff).proplist, command]);
    for (const [id, command] of STRING_PROPS) cases.push([mosquitto_property_add_string(null, id, 'hello').proplist, command]);
    for (const [id, command] of BINARY_PROPS) {
      cases.push([mosquitto_property_add_binary(null, id, Buffer.from('hello'), 5).proplist, command]);
    }
    for (const [props, command] of cases) {
      const back = read(command, [...write(props)]);
      expect(back.rc).toBe(MOSQ_ERR_SUCCESS);
      expect(back.properties!.map((p) => ({ ...p, client_generated: true }))).toEqual(props);
    }
  });

  it('a null list writes a zero length', () => {
    expect([...write(null)]).toEqual([0]);
    expect(property__get_remaining_length(null)).toBe(1);
  });

  it('without write_len only the properties are written', () => {
    const props = mosquitto_property_add_int16(null, MQTT_PROP_TOPIC_ALIAS, 7).proplist;
    const packet = { ...in_packet([]), payload: Buffer.alloc(3), packet_length: 3 };
    expect(property__write_all(packet, props, false)).toBe(MOSQ_ERR_SUCCESS);
    expect([...packet.payload]).toEqual([MQTT_PROP_TOPIC_ALIAS, 0, 7]);
  });

  it('an unknown identifier stops the write with MOSQ_ERR_INVAL', () => {
    const p = property__new();
    p.identifier = 4;
    const packet = { ...in_packet([]), payload: Buffer.alloc(8), packet_length: 8 };
    expect(property__write_all(packet, [p], true)).toBe(MOSQ_ERR_INVAL);
    expect(log.lines).toEqual([[MOSQ_LOG_DEBUG, 'Unsupported property type: 4']]);
  });

  it('property__get_length measures each type, and 0 for unknown or too large', () => {
    expect(property__get_length(null)).toBe(0);
    const p = property__new();
    p.identifier = MQTT_PROP_SUBSCRIPTION_IDENTIFIER;
    for (const [v, n] of [[0, 2], [127, 2], [128, 3], [16383, 3], [16384, 4], [2097151, 4], [2097152, 5],
      [268435455, 5], [268435456, 0]]) {
      p.value.varint = v;
      expect(property__get_length(p)).toBe(n);
    }
    p.identifier = 4;
    expect(property__get_length(p)).toBe(0);
    const user = mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, 'name', 'κόσμε').proplist![0];
    expect(property__get_length(user)).toBe(5 + 4 + 10);
  });
});

describe('mosquitto_property_add_*', () => {
  const ALL_IDS = [...BYTE_PROPS, ...INT16_PROPS, ...INT32_PROPS, ...STRING_PROPS, ...BINARY_PROPS].map(([id]) => id)
    .concat([MQTT_PROP_SUBSCRIPTION_IDENTIFIER, MQTT_PROP_USER_PROPERTY, 0, 4]);
  const ids_of = (table: [number, number][]): number[] => table.map(([id]) => id);

  it('each refuses the identifiers of other types and leaves the list alone', () => {
    const check = (ok: number[], add: (id: number) => { rc: number; proplist: mosquitto_property[] | null }): void => {
      for (const id of ALL_IDS) {
        const r = add(id);
        if (ok.includes(id)) {
          expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
          expect(r.proplist).toHaveLength(1);
          expect(r.proplist![0].identifier).toBe(id);
          expect(r.proplist![0].client_generated).toBe(true);
        } else {
          expect(r, `identifier ${id}`).toEqual({ rc: MOSQ_ERR_INVAL, proplist: null });
        }
      }
    };
    check(ids_of(BYTE_PROPS), (id) => mosquitto_property_add_byte(null, id, 1));
    check(ids_of(INT16_PROPS), (id) => mosquitto_property_add_int16(null, id, 1));
    check(ids_of(INT32_PROPS), (id) => mosquitto_property_add_int32(null, id, 1));
    check([MQTT_PROP_SUBSCRIPTION_IDENTIFIER], (id) => mosquitto_property_add_varint(null, id, 1));
    check(ids_of(BINARY_PROPS), (id) => mosquitto_property_add_binary(null, id, Buffer.from('test'), 4));
    check(ids_of(STRING_PROPS), (id) => mosquitto_property_add_string(null, id, 'test'));
    check([MQTT_PROP_USER_PROPERTY], (id) => mosquitto_property_add_string_pair(null, id, 'n', 'v'));
  });

  it('appends to an existing list in place', () => {
    const first = mosquitto_property_add_byte(null, MQTT_PROP_MAXIMUM_QOS, 1).proplist!;
    const r = mosquitto_property_add_int16(first, MQTT_PROP_RECEIVE_MAXIMUM, 20);
    expect(r.proplist).toBe(first);
    expect(first.map((p) => p.identifier)).toEqual([MQTT_PROP_MAXIMUM_QOS, MQTT_PROP_RECEIVE_MAXIMUM]);
    const bad = mosquitto_property_add_int16(first, MQTT_PROP_MAXIMUM_QOS, 20);
    expect(bad).toEqual({ rc: MOSQ_ERR_INVAL, proplist: first });
    expect(first).toHaveLength(2);
  });

  it('varint: values above 268435455 are refused', () => {
    expect(mosquitto_property_add_varint(null, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435455).rc).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_property_add_varint(null, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435456))
      .toEqual({ rc: MOSQ_ERR_INVAL, proplist: null });
  });

  it('binary: keeps its own copy of len bytes; zero length stores nothing', () => {
    const src = Buffer.from('abcdef');
    const p = mosquitto_property_add_binary(null, MQTT_PROP_CORRELATION_DATA, src, 3).proplist![0];
    src.fill(0);
    expect(p.value.bin.v!.toString()).toBe('abc');
    expect(p.value.bin.len).toBe(3);
    const empty = mosquitto_property_add_binary(null, MQTT_PROP_CORRELATION_DATA, src, 0).proplist![0];
    expect(empty.value.bin).toEqual({ v: null, len: 0 });
  });

  it('string: checks UTF-8 before the identifier; empty stores null', () => {
    expect(mosquitto_property_add_string(null, MQTT_PROP_CONTENT_TYPE, 'a\u0001b')).toEqual({ rc: MOSQ_ERR_MALFORMED_UTF8, proplist: null });
    expect(mosquitto_property_add_string(null, MQTT_PROP_MAXIMUM_QOS, '\ufdd0').rc).toBe(MOSQ_ERR_MALFORMED_UTF8);
    const p = mosquitto_property_add_string(null, MQTT_PROP_CONTENT_TYPE, '').proplist![0];
    expect(p.value.s).toEqual({ v: null, len: 0 });
    const q = mosquitto_property_add_string(null, MQTT_PROP_CONTENT_TYPE, null).proplist![0];
    expect(q.value.s).toEqual({ v: null, len: 0 });
    const g = mosquitto_property_add_string(null, MQTT_PROP_CONTENT_TYPE, 'κόσμε').proplist![0];
    expect(g.value.s).toEqual({ v: 'κόσμε', len: 10 });
  });

  it('string pair: the name is checked; the value check passes whatever the value (as in 2.0.11)', () => {
    expect(mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, 'a\u0000', 'v').rc).toBe(MOSQ_ERR_MALFORMED_UTF8);
    const r = mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, 'name', 'a\u0001');
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.proplist![0].value.s).toEqual({ v: 'a\u0001', len: 2 });
    const e = mosquitto_property_add_string_pair(null, MQTT_PROP_USER_PROPERTY, '', '').proplist![0];
    expect(e.name).toEqual({ v: '', len: 0 });
    expect(e.value.s).toEqual({ v: '', len: 0 });
  });
});

describe('mosquitto_property_check_all', () => {
  it('accepts an empty list', () => {
    expect(mosquitto_property_check_all(CMD_CONNECT, null)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('applies value, packet and duplicate checks to a list that was built, not read', () => {
    let props = mosquitto_property_add_byte(null, MQTT_PROP_MAXIMUM_QOS, 1).proplist;
    expect(mosquitto_property_check_all(CMD_CONNACK, props)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_property_check_all(CMD_CONNECT, props)).toBe(MOSQ_ERR_PROTOCOL);
    props = mosquitto_property_add_byte(props, MQTT_PROP_MAXIMUM_QOS, 0).proplist;
    expect(mosquitto_property_check_all(CMD_CONNACK, props)).toBe(MOSQ_ERR_DUPLICATE_PROPERTY);
    const bad = mosquitto_property_add_byte(null, MQTT_PROP_RETAIN_AVAILABLE, 5).proplist;
    expect(mosquitto_property_check_all(CMD_CONNACK, bad)).toBe(MOSQ_ERR_PROTOCOL);
    const zero = mosquitto_property_add_int32(null, MQTT_PROP_MAXIMUM_PACKET_SIZE, 0).proplist;
    expect(mosquitto_property_check_all(CMD_CONNACK, zero)).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('lookups', () => {
  function full_list(): mosquitto_property[] {
    let props: mosquitto_property[] | null = null;
    props = mosquitto_property_add_byte(props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1).proplist;
    props = mosquitto_property_add_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 3600).proplist;
    props = mosquitto_property_add_string(props, MQTT_PROP_CONTENT_TYPE, 'application/json').proplist;
    props = mosquitto_property_add_binary(props, MQTT_PROP_CORRELATION_DATA, Buffer.from('correlation-data'), 16).proplist;
    props = mosquitto_property_add_varint(props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 63).proplist;
    props = mosquitto_property_add_int16(props, MQTT_PROP_SERVER_KEEP_ALIVE, 180).proplist;
    props = mosquitto_property_add_string_pair(props, MQTT_PROP_USER_PROPERTY, 'user-agent', 'mosquitto/test').proplist;
    props = mosquitto_property_add_string_pair(props, MQTT_PROP_USER_PROPERTY, 'second', 'pair').proplist;
    props = mosquitto_property_add_byte(props, MQTT_PROP_MAXIMUM_QOS, 0).proplist;
    return props!;
  }

  it('find each type with its value', () => {
    const props = full_list();
    expect(mosquitto_property_read_byte(props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, false))
      .toEqual({ property: props[0], value: 1 });
    expect(mosquitto_property_read_byte(props, MQTT_PROP_MAXIMUM_QOS, false)).toEqual({ property: props[8], value: 0 });
    expect(mosquitto_property_read_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, false)?.value).toBe(3600);
    expect(mosquitto_property_read_string(props, MQTT_PROP_CONTENT_TYPE, false)?.value).toBe('application/json');
    const bin = mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, false)!;
    expect(bin.value.toString()).toBe('correlation-data');
    expect(bin.len).toBe(16);
    bin.value.fill(0);
    expect(props[3].value.bin.v!.toString()).toBe('correlation-data');
    expect(mosquitto_property_read_varint(props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, false)?.value).toBe(63);
    expect(mosquitto_property_read_int16(props, MQTT_PROP_SERVER_KEEP_ALIVE, false)?.value).toBe(180);
    expect(mosquitto_property_read_string_pair(props, MQTT_PROP_USER_PROPERTY, false))
      .toEqual({ property: props[6], name: 'user-agent', value: 'mosquitto/test' });
  });

  it('skip_first gives the second property with the identifier', () => {
    const props = full_list();
    expect(mosquitto_property_read_string_pair(props, MQTT_PROP_USER_PROPERTY, true))
      .toEqual({ property: props[7], name: 'second', value: 'pair' });
    expect(mosquitto_property_read_byte(props, MQTT_PROP_MAXIMUM_QOS, true)).toBeNull();
    /* going on from a found property: search the list from there */
    const first = mosquitto_property_read_string_pair(props, MQTT_PROP_USER_PROPERTY, false)!;
    const rest = props.slice(props.indexOf(first.property));
    expect(mosquitto_property_read_string_pair(rest, MQTT_PROP_USER_PROPERTY, true)?.name).toBe('second');
  });

  it('give null for a missing property, an empty list, or the wrong type', () => {
    const props = full_list();
    expect(mosquitto_property_read_byte(null, MQTT_PROP_MAXIMUM_QOS, false)).toBeNull();
    expect(mosquitto_property_read_byte(props, MQTT_PROP_RETAIN_AVAILABLE, false)).toBeNull();
    expect(mosquitto_property_read_int16(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, false)).toBeNull();
    expect(mosquitto_property_read_int32(props, MQTT_PROP_SERVER_KEEP_ALIVE, false)).toBeNull();
    expect(mosquitto_property_read_varint(props, MQTT_PROP_MAXIMUM_QOS, false)).toBeNull();
    expect(mosquitto_property_read_binary(props, MQTT_PROP_CONTENT_TYPE, false)).toBeNull();
    expect(mosquitto_property_read_string(props, MQTT_PROP_CORRELATION_DATA, false)).toBeNull();
    expect(mosquitto_property_read_string(props, MQTT_PROP_USER_PROPERTY, false)).toBeNull();
    expect(mosquitto_property_read_string_pair(props, MQTT_PROP_CONTENT_TYPE, false)).toBeNull();
  });

  it('give empty values, not null, for empty strings and data', () => {
    let props = mosquitto_property_add_string(null, MQTT_PROP_REASON_STRING, '').proplist;
    props = mosquitto_property_add_binary(props, MQTT_PROP_AUTHENTICATION_DATA, null, 0).proplist;
    expect(mosquitto_property_read_string(props, MQTT_PROP_REASON_STRING, false)?.value).toBe('');
    const bin = mosquitto_property_read_binary(props, MQTT_PROP_AUTHENTICATION_DATA, false)!;
    expect(bin.len).toBe(0);
    expect(bin.value.length).toBe(0);
  });

  it('mosquitto_property_identifier and mosquitto_property_next walk a list', () => {
    const props = full_list();
    const ids: number[] = [];
    for (let p: mosquitto_property | null = props[0]; p; p = mosquitto_property_next(props, p)) {
      ids.push(mosquitto_property_identifier(p));
    }
    expect(ids).toEqual(props.map((p) => p.identifier));
    expect(mosquitto_property_identifier(null)).toBe(0);
    expect(mosquitto_property_next(null, props[0])).toBeNull();
    expect(mosquitto_property_next(props, null)).toBeNull();
    expect(mosquitto_property_next(props, property__new())).toBeNull();
  });
});

describe('mosquitto_property_copy_all and mosquitto_property_free_all', () => {
  it('copies every type deeply', () => {
    let src: mosquitto_property[] | null = null;
    src = mosquitto_property_add_byte(src, MQTT_PROP_MAXIMUM_QOS, 1).proplist;
    src = mosquitto_property_add_int16(src, MQTT_PROP_RECEIVE_MAXIMUM, 10).proplist;
    src = mosquitto_property_add_int32(src, MQTT_PROP_SESSION_EXPIRY_INTERVAL, 100).proplist;
    src = mosquitto_property_add_varint(src, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 1000).proplist;
    src = mosquitto_property_add_string(src, MQTT_PROP_REASON_STRING, 'why').proplist;
    src = mosquitto_property_add_binary(src, MQTT_PROP_AUTHENTICATION_DATA, Buffer.from('data'), 4).proplist;
    src = mosquitto_property_add_string_pair(src, MQTT_PROP_USER_PROPERTY, 'k', 'v').proplist;

    const r = mosquitto_property_copy_all(src);
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.dest).not.toBe(src);
    /* client_generated is not copied, as in C */
    expect(r.dest!.every((p) => !p.client_generated)).toBe(true);
    expect(r.dest!.map((p) => ({ ...p, client_generated: true }))).toEqual(src);
    src![5].value.bin.v!.fill(0);
    src![0].value.i8 = 0;
    expect(r.dest![5].value.bin.v!.toString()).toBe('data');
    expect(r.dest![0].value.i8).toBe(1);
  });

  it('copies an empty list as null', () => {
    expect(mosquitto_property_copy_all(null)).toEqual({ rc: MOSQ_ERR_SUCCESS, dest: null });
    expect(mosquitto_property_copy_all([])).toEqual({ rc: MOSQ_ERR_SUCCESS, dest: null });
  });

  it('fails on an unknown identifier', () => {
    const bad = property__new();
    bad.identifier = 4;
    const good = mosquitto_property_add_byte(null, MQTT_PROP_MAXIMUM_QOS, 1).proplist!;
    expect(mosquitto_property_copy_all([...good, bad])).toEqual({ rc: MOSQ_ERR_INVAL, dest: null });
  });

  it('free_all empties the list and returns null', () => {
    const props = mosquitto_property_add_byte(null, MQTT_PROP_MAXIMUM_QOS, 1).proplist;
    expect(mosquitto_property_free_all(props)).toBeNull();
    expect(props).toEqual([]);
    expect(mosquitto_property_free_all(null)).toBeNull();
  });
});

describe('property names', () => {
  const names: [string, number, number][] = [
    ['payload-format-indicator', MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, MQTT_PROP_TYPE_BYTE],
    ['message-expiry-interval', MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, MQTT_PROP_TYPE_INT32],
    ['content-type', MQTT_PROP_CONTENT_TYPE, MQTT_PROP_TYPE_STRING],
    ['response-topic', MQTT_PROP_RESPONSE_TOPIC, MQTT_PROP_TYPE_STRING],
    ['correlation-data', MQTT_PROP_CORRELATION_DATA, MQTT_PROP_TYPE_BINARY],
    ['subscription-identifier', MQTT_PROP_SUBSCRIPTION_IDENTIFIER, MQTT_PROP_TYPE_VARINT],
    ['session-expiry-interval', MQTT_PROP_SESSION_EXPIRY_INTERVAL, MQTT_PROP_TYPE_INT32],
    ['assigned-client-identifier', MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, MQTT_PROP_TYPE_STRING],
    ['server-keep-alive', MQTT_PROP_SERVER_KEEP_ALIVE, MQTT_PROP_TYPE_INT16],
    ['authentication-method', MQTT_PROP_AUTHENTICATION_METHOD, MQTT_PROP_TYPE_STRING],
    ['authentication-data', MQTT_PROP_AUTHENTICATION_DATA, MQTT_PROP_TYPE_BINARY],
    ['request-problem-information', MQTT_PROP_REQUEST_PROBLEM_INFORMATION, MQTT_PROP_TYPE_BYTE],
    ['will-delay-interval', MQTT_PROP_WILL_DELAY_INTERVAL, MQTT_PROP_TYPE_INT32],
    ['request-response-information', MQTT_PROP_REQUEST_RESPONSE_INFORMATION, MQTT_PROP_TYPE_BYTE],
    ['response-information', MQTT_PROP_RESPONSE_INFORMATION, MQTT_PROP_TYPE_STRING],
    ['server-reference', MQTT_PROP_SERVER_REFERENCE, MQTT_PROP_TYPE_STRING],
    ['reason-string', MQTT_PROP_REASON_STRING, MQTT_PROP_TYPE_STRING],
    ['receive-maximum', MQTT_PROP_RECEIVE_MAXIMUM, MQTT_PROP_TYPE_INT16],
    ['topic-alias-maximum', MQTT_PROP_TOPIC_ALIAS_MAXIMUM, MQTT_PROP_TYPE_INT16],
    ['topic-alias', MQTT_PROP_TOPIC_ALIAS, MQTT_PROP_TYPE_INT16],
    ['maximum-qos', MQTT_PROP_MAXIMUM_QOS, MQTT_PROP_TYPE_BYTE],
    ['retain-available', MQTT_PROP_RETAIN_AVAILABLE, MQTT_PROP_TYPE_BYTE],
    ['user-property', MQTT_PROP_USER_PROPERTY, MQTT_PROP_TYPE_STRING_PAIR],
    ['maximum-packet-size', MQTT_PROP_MAXIMUM_PACKET_SIZE, MQTT_PROP_TYPE_INT32],
    ['wildcard-subscription-available', MQTT_PROP_WILDCARD_SUB_AVAILABLE, MQTT_PROP_TYPE_BYTE],
    ['subscription-identifier-available', MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE, MQTT_PROP_TYPE_BYTE],
    ['shared-subscription-available', MQTT_PROP_SHARED_SUB_AVAILABLE, MQTT_PROP_TYPE_BYTE],
  ];

  it.each(names)('%s', (name, identifier, type) => {
    expect(mosquitto_string_to_property_info(name)).toEqual({ rc: MOSQ_ERR_SUCCESS, identifier, type });
    expect(mosquitto_string_to_property_info(name.toUpperCase())).toEqual({ rc: MOSQ_ERR_SUCCESS, identifier, type });
    expect(mosquitto_property_identifier_to_string(identifier)).toBe(name);
  });

  it('unknown names and identifiers', () => {
    expect(mosquitto_string_to_property_info(null).rc).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_string_to_property_info('no-such-property').rc).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_string_to_property_info('content-type ').rc).toBe(MOSQ_ERR_INVAL);
    /* only ASCII letters fold: the Kelvin sign is not a 'k' */
    expect(mosquitto_string_to_property_info('server-\u212aeep-alive').rc).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_property_identifier_to_string(0)).toBeNull();
    expect(mosquitto_property_identifier_to_string(4)).toBeNull();
  });
});
