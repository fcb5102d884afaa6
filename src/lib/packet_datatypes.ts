/**
 * The MQTT data types of lib/packet_datatypes.c: reading fields from an incoming packet and
 * writing them into an outgoing one. Integers are big-endian; strings and binary data carry a
 * two-byte length; variable byte integers take one to four bytes, seven bits each.
 *
 * Reads use `packet.pos` as the cursor and `packet.remaining_length` as the end, and fail with
 * MOSQ_ERR_PROTOCOL when the field would run past it (callers turn that into the error they
 * report). Writes assume the buffer was sized by packet__alloc and advance `packet.pos`.
 * C out-parameters come back in a result object whose fields keep the C parameter names where
 * they name data: `{ rc, value }` for integers (plus `bytes` for a variable byte integer),
 * `{ rc, data }` for raw bytes, `{ rc, data, length }` for Binary Data and
 * `{ rc, str, length }` for strings. On failure the fields are 0, empty or null.
 * @module
 */
import {
  MOSQ_ERR_MALFORMED_UTF8,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
} from '../include/mosquitto.js';
import type { mosquitto__packet } from './mosquitto_internal.js';
import { mosquitto_validate_utf8 } from './utf8_mosq.js';

/** A numeric field read from a packet. */
export interface packet__read_number_result {
  rc: number;
  value: number;
}

/** A Variable Byte Integer read from a packet, with the number of bytes it took. */
export interface packet__read_varint_result {
  rc: number;
  value: number;
  bytes: number;
}

/** Raw bytes read from a packet. */
export interface packet__read_bytes_result {
  rc: number;
  data: Buffer;
}

/** Binary Data read from a packet: `data` is null for zero-length data, as in C. */
export interface packet__read_binary_result {
  rc: number;
  data: Buffer | null;
  length: number;
}

/** A UTF-8 string read from a packet: `str` is null for an empty string, as in C. */
export interface packet__read_string_result {
  rc: number;
  str: string | null;
  /** the length in bytes, as sent on the wire */
  length: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads one byte.
 * @adapted the byte comes back in the result object instead of through a pointer
 */
export function packet__read_byte(packet: mosquitto__packet): packet__read_number_result {
  if (packet.pos + 1 > packet.remaining_length) return { rc: MOSQ_ERR_PROTOCOL, value: 0 };

  const byte = packet.payload[packet.pos];
  packet.pos++;

  return { rc: MOSQ_ERR_SUCCESS, value: byte };
}

/** Writes one byte at the cursor. */
export function packet__write_byte(packet: mosquitto__packet, byte: number): void {
  packet.payload[packet.pos] = byte;
  packet.pos++;
}

/**
 * Takes the next `count` bytes of the packet.
 * @adapted returns a view of the packet's own buffer instead of copying into the caller's
 *   memory; a caller that keeps a small part of a large buffer for long may want a copy
 */
export function packet__read_bytes(packet: mosquitto__packet, count: number): packet__read_bytes_result {
  if (packet.pos + count > packet.remaining_length) return { rc: MOSQ_ERR_PROTOCOL, data: EMPTY };

  const data = packet.payload.subarray(packet.pos, packet.pos + count);
  packet.pos += count;

  return { rc: MOSQ_ERR_SUCCESS, data };
}

/** Copies the first `count` bytes of `bytes` to the cursor. */
export function packet__write_bytes(packet: mosquitto__packet, bytes: Buffer, count: number): void {
  bytes.copy(packet.payload, packet.pos, 0, count);
  packet.pos += count;
}

/**
 * Reads Binary Data: a two-byte length then that many bytes. Zero length gives null data.
 * @adapted the data is a view of the packet's buffer (no copy), returned in the result object
 */
export function packet__read_binary(packet: mosquitto__packet): packet__read_binary_result {
  const r = packet__read_uint16(packet);
  if (r.rc) return { rc: r.rc, data: null, length: 0 };
  const slen = r.value;

  if (slen === 0) {
    return { rc: MOSQ_ERR_SUCCESS, data: null, length: 0 };
  }

  if (packet.pos + slen > packet.remaining_length) return { rc: MOSQ_ERR_PROTOCOL, data: null, length: 0 };

  const data = packet.payload.subarray(packet.pos, packet.pos + slen);
  packet.pos += slen;

  return { rc: MOSQ_ERR_SUCCESS, data, length: slen };
}

/**
 * Reads a UTF-8 Encoded String and checks it with mosquitto_validate_utf8; bad UTF-8 gives
 * MOSQ_ERR_MALFORMED_UTF8. An empty string comes back as null with length 0.
 * @adapted the string is decoded into a JS string and returned in the result object
 */
export function packet__read_string(packet: mosquitto__packet): packet__read_string_result {
  const r = packet__read_binary(packet);
  if (r.rc) return { rc: r.rc, str: null, length: 0 };
  if (r.length === 0) return { rc: MOSQ_ERR_SUCCESS, str: null, length: 0 };

  if (mosquitto_validate_utf8(r.data, r.length)) {
    return { rc: MOSQ_ERR_MALFORMED_UTF8, str: null, length: 0 };
  }

  return { rc: MOSQ_ERR_SUCCESS, str: r.data!.toString('utf8'), length: r.length };
}

/**
 * Writes a UTF-8 Encoded String: the two-byte length, then the bytes.
 * @adapted takes a JS string; `length` must be its UTF-8 byte length (Buffer.byteLength)
 */
export function packet__write_string(packet: mosquitto__packet, str: string | null, length: number): void {
  packet__write_uint16(packet, length);
  if (str !== null && length > 0) {
    packet.payload.write(str, packet.pos, length, 'utf8');
  }
  packet.pos += length;
}

/**
 * Reads a big-endian Two Byte Integer.
 * @adapted the value comes back in the result object instead of through a pointer
 */
export function packet__read_uint16(packet: mosquitto__packet): packet__read_number_result {
  if (packet.pos + 2 > packet.remaining_length) return { rc: MOSQ_ERR_PROTOCOL, value: 0 };

  const msb = packet.payload[packet.pos];
  packet.pos++;
  const lsb = packet.payload[packet.pos];
  packet.pos++;

  return { rc: MOSQ_ERR_SUCCESS, value: (msb << 8) + lsb };
}

/** Writes a big-endian Two Byte Integer. */
export function packet__write_uint16(packet: mosquitto__packet, word: number): void {
  packet__write_byte(packet, (word >> 8) & 0xff);
  packet__write_byte(packet, word & 0xff);
}

/**
 * Reads a big-endian Four Byte Integer.
 * @adapted the value comes back in the result object instead of through a pointer
 */
export function packet__read_uint32(packet: mosquitto__packet): packet__read_number_result {
  let val = 0;

  if (packet.pos + 4 > packet.remaining_length) return { rc: MOSQ_ERR_PROTOCOL, value: 0 };

  for (let i = 0; i < 4; i++) {
    val = val * 256 + packet.payload[packet.pos];
    packet.pos++;
  }

  return { rc: MOSQ_ERR_SUCCESS, value: val };
}

/** Writes a big-endian Four Byte Integer. */
export function packet__write_uint32(packet: mosquitto__packet, word: number): void {
  packet__write_byte(packet, (word >>> 24) & 0xff);
  packet__write_byte(packet, (word >>> 16) & 0xff);
  packet__write_byte(packet, (word >>> 8) & 0xff);
  packet__write_byte(packet, word & 0xff);
}

/**
 * Reads a Variable Byte Integer of at most four bytes. Running out of data, a fifth byte, or an
 * overlong form (a final zero byte after the first) are all MOSQ_ERR_PROTOCOL.
 * @adapted the value and its byte count come back in the result object
 */
export function packet__read_varint(packet: mosquitto__packet): packet__read_varint_result {
  let remaining_mult = 1;
  let lword = 0;
  let lbytes = 0;

  for (let i = 0; i < 4; i++) {
    if (packet.pos < packet.remaining_length) {
      lbytes++;
      const byte = packet.payload[packet.pos];
      lword += (byte & 127) * remaining_mult;
      remaining_mult *= 128;
      packet.pos++;
      if ((byte & 128) === 0) {
        if (lbytes > 1 && byte === 0) {
          /* more bytes than the value needs */
          return { rc: MOSQ_ERR_PROTOCOL, value: 0, bytes: 0 };
        } else {
          return { rc: MOSQ_ERR_SUCCESS, value: lword, bytes: lbytes };
        }
      }
    } else {
      return { rc: MOSQ_ERR_PROTOCOL, value: 0, bytes: 0 };
    }
  }
  return { rc: MOSQ_ERR_PROTOCOL, value: 0, bytes: 0 };
}

/**
 * Writes a Variable Byte Integer. A value that needs five bytes is MOSQ_ERR_PROTOCOL (after
 * the bytes were written, as in C).
 */
export function packet__write_varint(packet: mosquitto__packet, word: number): number {
  let byte: number;
  let count = 0;

  do {
    byte = word % 128;
    word = Math.floor(word / 128);
    /* the top bit says another byte follows */
    if (word > 0) {
      byte = byte | 0x80;
    }
    packet__write_byte(packet, byte);
    count++;
  } while (word > 0 && count < 5);

  if (count === 5) {
    return MOSQ_ERR_PROTOCOL;
  }
  return MOSQ_ERR_SUCCESS;
}

/** How many bytes a value takes as a Variable Byte Integer (5 means too big to encode). */
export function packet__varint_bytes(word: number): number {
  if (word < 128) {
    return 1;
  } else if (word < 16384) {
    return 2;
  } else if (word < 2097152) {
    return 3;
  } else if (word < 268435456) {
    return 4;
  } else {
    return 5;
  }
}
