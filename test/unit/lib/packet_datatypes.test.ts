/*
 * Packet data types: the intent of mosquitto's test/unit/datatype_read.c and datatype_write.c.
 * Reads are checked for their return codes on empty, truncated and malformed data and for the
 * values at the encoding boundaries; writes are checked byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import type { mosquitto__packet } from '../../../src/lib/mosquitto_internal.js';
import {
  packet__read_binary,
  packet__read_byte,
  packet__read_bytes,
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
} from '../../../src/lib/packet_datatypes.js';

/** An incoming packet whose remaining-length part is `bytes` (or only its first `remaining_length`). */
function in_packet(bytes: number[] | string, remaining_length?: number): mosquitto__packet {
  const payload = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
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

/** An outgoing packet with a zeroed buffer of `size` bytes and the cursor at 0. */
function out_packet(size: number): mosquitto__packet {
  return { ...in_packet([]), payload: Buffer.alloc(size), packet_length: size };
}

describe('packet__read_byte', () => {
  it('fails on an empty packet', () => {
    const packet = in_packet([]);
    expect(packet__read_byte(packet)).toEqual({ rc: MOSQ_ERR_PROTOCOL, value: 0 });
    expect(packet.pos).toBe(0);
  });

  it('reads 0, a middle value and 255', () => {
    for (const v of [0x00, 0x1f, 0xff]) {
      const packet = in_packet([v]);
      expect(packet__read_byte(packet)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: v });
      expect(packet.pos).toBe(1);
    }
  });

  it('stops at remaining_length even when the buffer holds more', () => {
    const packet = in_packet([1, 2], 1);
    expect(packet__read_byte(packet).rc).toBe(MOSQ_ERR_SUCCESS);
    expect(packet__read_byte(packet).rc).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('packet__read_uint16', () => {
  it('fails on empty and one-byte packets', () => {
    expect(packet__read_uint16(in_packet([])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_uint16(in_packet([0x38])).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('reads big-endian values at the boundaries', () => {
    expect(packet__read_uint16(in_packet([0x00, 0x00]))).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 0 });
    expect(packet__read_uint16(in_packet([0x38, 0xf3]))).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 0x38f3 });
    expect(packet__read_uint16(in_packet([0xff, 0xff]))).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 0xffff });
  });
});

describe('packet__read_uint32', () => {
  it('fails on empty and truncated packets', () => {
    expect(packet__read_uint32(in_packet([])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_uint32(in_packet([0x38])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_uint32(in_packet([0x38, 0x38])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_uint32(in_packet([0x38, 0x38, 0x38])).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('reads big-endian values up to 0xFFFFFFFF', () => {
    expect(packet__read_uint32(in_packet([0, 0, 0, 0]))).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 0 });
    expect(packet__read_uint32(in_packet([0x12, 0x34, 0x56, 0x78]))).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 0x12345678 });
    expect(packet__read_uint32(in_packet([0xff, 0xff, 0xff, 0xff]))).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 0xffffffff });
  });
});

describe('packet__read_varint', () => {
  it('fails on an empty packet', () => {
    expect(packet__read_varint(in_packet([])).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('fails when the encoding is longer than the data', () => {
    expect(packet__read_varint(in_packet([0x80])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_varint(in_packet([0x80, 0x80])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_varint(in_packet([0x80, 0x80, 0x80])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_varint(in_packet([0x80, 0x80, 0x80, 0x80])).rc).toBe(MOSQ_ERR_PROTOCOL);
    /* the next byte exists in the buffer but lies past remaining_length */
    expect(packet__read_varint(in_packet([0x80, 0x01], 1)).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('reads the values at each encoding boundary', () => {
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
      const packet = in_packet(bytes);
      expect(packet__read_varint(packet)).toEqual({ rc: MOSQ_ERR_SUCCESS, value, bytes: bytes.length });
      expect(packet.pos).toBe(bytes.length);
    }
  });

  it('refuses a five-byte encoding', () => {
    expect(packet__read_varint(in_packet([0x80, 0x80, 0x80, 0x80, 0x01])).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('refuses overlong encodings', () => {
    for (const bytes of [
      [0x80, 0x00],
      [0xff, 0x00],
      [0x80, 0x81, 0x00],
      [0xff, 0xff, 0x00],
      [0x80, 0x80, 0x81, 0x00],
      [0xff, 0xff, 0xff, 0x00],
    ]) {
      expect(packet__read_varint(in_packet(bytes)).rc).toBe(MOSQ_ERR_PROTOCOL);
    }
  });
});

describe('packet__read_string', () => {
  it('fails on empty and truncated packets', () => {
    expect(packet__read_string(in_packet([]))).toEqual({ rc: MOSQ_ERR_PROTOCOL, str: null, length: 0 });
    expect(packet__read_string(in_packet([0x02])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_string(in_packet([0x02, 0x02])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_string(in_packet([0x00, 0x02, 0x61])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_string(in_packet([0x00, 0x03, 0x61, 0x62])).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('gives null for an empty string', () => {
    const packet = in_packet([0x00, 0x00]);
    expect(packet__read_string(packet)).toEqual({ rc: MOSQ_ERR_SUCCESS, str: null, length: 0 });
    expect(packet.pos).toBe(2);
  });

  it('reads a valid string and its byte length', () => {
    const packet = in_packet([0x00, 0x0b, ...Buffer.from('test string')]);
    expect(packet__read_string(packet)).toEqual({ rc: MOSQ_ERR_SUCCESS, str: 'test string', length: 11 });
    expect(packet.pos).toBe(13);

    const greek = Buffer.from('κόσμε');
    expect(packet__read_string(in_packet([0x00, greek.length, ...greek])))
      .toEqual({ rc: MOSQ_ERR_SUCCESS, str: 'κόσμε', length: greek.length });
  });

  it('refuses malformed UTF-8 (a lone surrogate)', () => {
    const packet = in_packet([0x00, 0x07, 0x74, 0x65, 0x73, 0x74, 0xed, 0xa0, 0x80]);
    expect(packet__read_string(packet)).toEqual({ rc: MOSQ_ERR_MALFORMED_UTF8, str: null, length: 0 });
  });

  it('MQTT-1.5.4-3: keeps U+FEFF', () => {
    const packet = in_packet([0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0xef, 0xbb, 0xbf, 0x74, 0x65, 0x73, 0x74]);
    expect(packet__read_string(packet)).toEqual({ rc: MOSQ_ERR_SUCCESS, str: 'test\ufefftest', length: 11 });
  });
});

describe('packet__read_binary', () => {
  it('fails on empty and truncated packets', () => {
    expect(packet__read_binary(in_packet([]))).toEqual({ rc: MOSQ_ERR_PROTOCOL, data: null, length: 0 });
    expect(packet__read_binary(in_packet([0x02])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_binary(in_packet([0x02, 0x02])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_binary(in_packet([0x00, 0x02, 0x61])).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_binary(in_packet([0x00, 0x03, 0x61, 0x62])).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('gives null for zero-length data', () => {
    expect(packet__read_binary(in_packet([0x00, 0x00]))).toEqual({ rc: MOSQ_ERR_SUCCESS, data: null, length: 0 });
  });

  it('returns the bytes as a view of the packet, without UTF-8 checks', () => {
    const packet = in_packet([0x00, 0x03, 0x00, 0xff, 0xc0, 0x99]);
    const r = packet__read_binary(packet);
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.length).toBe(3);
    expect([...r.data!]).toEqual([0x00, 0xff, 0xc0]);
    expect(r.data!.buffer).toBe(packet.payload.buffer);
    expect(packet.pos).toBe(5);
  });
});

describe('packet__read_bytes', () => {
  it('reads zero bytes from an empty packet', () => {
    const packet = in_packet([]);
    const r = packet__read_bytes(packet, 0);
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect(r.data.length).toBe(0);
  });

  it('fails when the packet is too short', () => {
    expect(packet__read_bytes(in_packet([]), 1).rc).toBe(MOSQ_ERR_PROTOCOL);
    expect(packet__read_bytes(in_packet([1, 2, 3], 2), 3).rc).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('reads the bytes and moves the cursor', () => {
    const bytes = Array.from({ length: 20 }, (_, i) => i * 2);
    const packet = in_packet(bytes);
    const r = packet__read_bytes(packet, 20);
    expect(r.rc).toBe(MOSQ_ERR_SUCCESS);
    expect([...r.data]).toEqual(bytes);
    expect(packet.pos).toBe(20);
  });
});

describe('writes', () => {
  it('packet__write_byte writes 256 bytes in order', () => {
    const packet = out_packet(256);
    for (let i = 0; i < 256; i++) {
      packet__write_byte(packet, 255 - i);
    }
    expect(packet.pos).toBe(256);
    for (let i = 0; i < 256; i++) {
      expect(packet.payload[i]).toBe(255 - i);
    }
  });

  it('packet__write_uint16 writes big-endian', () => {
    const packet = out_packet(650);
    for (let i = 0; i < 325; i++) {
      packet__write_uint16(packet, 100 * i);
    }
    expect(packet.pos).toBe(650);
    for (let i = 0; i < 325; i++) {
      expect(packet.payload.readUInt16BE(i * 2)).toBe(100 * i);
    }
  });

  it('packet__write_uint32 writes big-endian, values past 2^31 included', () => {
    const packet = out_packet(42000);
    for (let i = 0; i < 10500; i++) {
      packet__write_uint32(packet, (1000 * i) >>> 0);
    }
    expect(packet.pos).toBe(42000);
    for (let i = 0; i < 10500; i++) {
      expect(packet.payload.readUInt32BE(i * 4)).toBe((1000 * i) >>> 0);
    }
    const big = out_packet(4);
    packet__write_uint32(big, 0xfedcba98);
    expect([...big.payload]).toEqual([0xfe, 0xdc, 0xba, 0x98]);
  });

  it('packet__write_string writes the length then the bytes', () => {
    const packet = out_packet(100);
    packet__write_string(packet, 'first test', 10);
    packet__write_string(packet, 'second test', 11);
    expect(packet.pos).toBe(2 + 10 + 2 + 11);
    expect([...packet.payload.subarray(0, 2)]).toEqual([0, 10]);
    expect(packet.payload.toString('latin1', 2, 12)).toBe('first test');
    expect([...packet.payload.subarray(12, 14)]).toEqual([0, 11]);
    expect(packet.payload.toString('latin1', 14, 25)).toBe('second test');
  });

  it('packet__write_string takes the UTF-8 byte length; null writes an empty string', () => {
    const packet = out_packet(14);
    packet__write_string(packet, 'κόσμε', Buffer.byteLength('κόσμε'));
    packet__write_string(packet, null, 0);
    expect(packet.pos).toBe(14);
    expect(packet.payload.readUInt16BE(0)).toBe(10);
    expect(packet.payload.toString('utf8', 2, 12)).toBe('κόσμε');
    expect(packet.payload.readUInt16BE(12)).toBe(0);
  });

  it('packet__write_bytes copies count bytes', () => {
    const packet = out_packet(4);
    packet__write_byte(packet, 9);
    packet__write_bytes(packet, Buffer.from([1, 2, 3, 4]), 2);
    expect(packet.pos).toBe(3);
    expect([...packet.payload]).toEqual([9, 1, 2, 0]);
  });

  it('packet__write_varint writes each boundary and reads back', () => {
    for (const v of [0, 127, 128, 16383, 16384, 2097151, 2097152, 268435455]) {
      const n = packet__varint_bytes(v);
      const packet = out_packet(n);
      expect(packet__write_varint(packet, v)).toBe(MOSQ_ERR_SUCCESS);
      expect(packet.pos).toBe(n);
      const back = in_packet([...packet.payload]);
      expect(packet__read_varint(back)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: v, bytes: n });
    }
    const packet = out_packet(4);
    packet__write_varint(packet, 321);
    expect([...packet.payload.subarray(0, 2)]).toEqual([0xc1, 0x02]);
  });

  it('packet__write_varint refuses a value that needs five bytes', () => {
    const packet = out_packet(5);
    expect(packet__write_varint(packet, 268435456)).toBe(MOSQ_ERR_PROTOCOL);
  });
});

describe('packet__varint_bytes', () => {
  it('counts the bytes at each boundary', () => {
    expect(packet__varint_bytes(0)).toBe(1);
    expect(packet__varint_bytes(127)).toBe(1);
    expect(packet__varint_bytes(128)).toBe(2);
    expect(packet__varint_bytes(16383)).toBe(2);
    expect(packet__varint_bytes(16384)).toBe(3);
    expect(packet__varint_bytes(2097151)).toBe(3);
    expect(packet__varint_bytes(2097152)).toBe(4);
    expect(packet__varint_bytes(268435455)).toBe(4);
    expect(packet__varint_bytes(268435456)).toBe(5);
  });
});
