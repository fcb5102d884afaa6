/*
 * mosquitto_validate_utf8: the intent of mosquitto's test/unit/utf8.c (boundary conditions,
 * malformed and truncated sequences, overlong forms, surrogates, non-characters, control
 * characters, MQTT-1.5.4-2 and -3), written as byte sequences.
 */
import { describe, expect, it } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { mosquitto_validate_utf8 } from '../../../src/lib/utf8_mosq.js';

function check(bytes: number[]): number {
  const buf = Buffer.from(bytes);
  return mosquitto_validate_utf8(buf, buf.length);
}

/** The UTF-8 bytes of one code point, built by hand (Buffer.from would refuse surrogates). */
function encode(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

describe('mosquitto_validate_utf8', () => {
  it('refuses missing input and bad lengths', () => {
    expect(mosquitto_validate_utf8(null, 0)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_validate_utf8(Buffer.alloc(10), -1)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_validate_utf8(Buffer.alloc(70000, 0x61), 65537)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_validate_utf8(Buffer.alloc(70000, 0x61), 65536)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('accepts valid text', () => {
    expect(check([])).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_validate_utf8(Buffer.from('The Greek word κόσμε'), Buffer.byteLength('The Greek word κόσμε')))
      .toBe(MOSQ_ERR_SUCCESS);
    /* a JS string is checked as its UTF-8 bytes */
    expect(mosquitto_validate_utf8('κόσμε', Buffer.byteLength('κόσμε'))).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_validate_utf8('a\u0001b', 3)).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('checks only the first len bytes, and treats the end of the data as a NUL', () => {
    expect(mosquitto_validate_utf8(Buffer.from([0x61, 0x62, 0x00]), 2)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_validate_utf8(Buffer.from([0x61, 0x62]), 3)).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('refuses truncated sequences', () => {
    expect(check([0xc2])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xe0, 0xa0])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xf0, 0x90, 0x80])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0x61, 0xf0, 0x90])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    /* truncated by len although the buffer holds the rest */
    expect(mosquitto_validate_utf8(Buffer.from([0xe0, 0xa0, 0x80]), 2)).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('handles the boundary code points', () => {
    expect(check(encode(0x0000))).toBe(MOSQ_ERR_MALFORMED_UTF8); /* NUL */
    expect(check(encode(0x0080))).toBe(MOSQ_ERR_MALFORMED_UTF8); /* C1 control */
    expect(check(encode(0x0800))).toBe(MOSQ_ERR_SUCCESS);
    expect(check(encode(0x10000))).toBe(MOSQ_ERR_SUCCESS);
    expect(check(encode(0x007f))).toBe(MOSQ_ERR_MALFORMED_UTF8); /* DEL */
    expect(check(encode(0x07ff))).toBe(MOSQ_ERR_SUCCESS);
    expect(check(encode(0xffff))).toBe(MOSQ_ERR_MALFORMED_UTF8); /* non-character */
    expect(check(encode(0x10ffff))).toBe(MOSQ_ERR_MALFORMED_UTF8); /* non-character */
    expect(check(encode(0xd7ff))).toBe(MOSQ_ERR_SUCCESS);
    expect(check(encode(0xe000))).toBe(MOSQ_ERR_SUCCESS);
    expect(check(encode(0xfffd))).toBe(MOSQ_ERR_SUCCESS);
    expect(check([0xf4, 0x90, 0x80, 0x80])).toBe(MOSQ_ERR_MALFORMED_UTF8); /* U+110000 */
    expect(check([0xf5, 0x80, 0x80, 0x80])).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('refuses unexpected continuation bytes and lonely start bytes', () => {
    for (let i = 0x80; i < 0xc0; i++) {
      expect(check([i])).toBe(MOSQ_ERR_MALFORMED_UTF8);
      expect(check([0x61, i, 0x61])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    }
    for (let i = 0xc0; i < 0x100; i++) {
      expect(check([i, 0x20])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    }
  });

  it('refuses overlong forms', () => {
    /* '/' as two, three and four bytes */
    expect(check([0xc0, 0xaf])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xe0, 0x80, 0xaf])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xf0, 0x80, 0x80, 0xaf])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    /* the largest overlong of each length */
    expect(check([0xc1, 0xbf])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xe0, 0x9f, 0xbf])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xf0, 0x8f, 0xbf, 0xbf])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    /* NUL, overlong */
    expect(check([0xc0, 0x80])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xe0, 0x80, 0x80])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check([0xf0, 0x80, 0x80, 0x80])).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('refuses UTF-16 surrogates, single or paired', () => {
    for (const cp of [0xd800, 0xdb7f, 0xdb80, 0xdbff, 0xdc00, 0xdf80, 0xdfff]) {
      expect(check(encode(cp))).toBe(MOSQ_ERR_MALFORMED_UTF8);
    }
    expect(check([...encode(0xd800), ...encode(0xdc00)])).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('refuses non-characters', () => {
    expect(check(encode(0xfffe))).toBe(MOSQ_ERR_MALFORMED_UTF8);
    expect(check(encode(0xffff))).toBe(MOSQ_ERR_MALFORMED_UTF8);
    for (let cp = 0xfdd0; cp <= 0xfdef; cp++) {
      expect(check(encode(cp))).toBe(MOSQ_ERR_MALFORMED_UTF8);
    }
    expect(check(encode(0xfdcf))).toBe(MOSQ_ERR_SUCCESS);
    expect(check(encode(0xfdf0))).toBe(MOSQ_ERR_SUCCESS);
    for (let plane = 1; plane <= 0x10; plane++) {
      expect(check(encode(plane * 0x10000 + 0xfffe))).toBe(MOSQ_ERR_MALFORMED_UTF8);
      expect(check(encode(plane * 0x10000 + 0xffff))).toBe(MOSQ_ERR_MALFORMED_UTF8);
      expect(check(encode(plane * 0x10000 + 0xfffd))).toBe(MOSQ_ERR_SUCCESS);
    }
  });

  it('refuses control characters', () => {
    for (let i = 0x01; i < 0x20; i++) {
      expect(check([i])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    }
    expect(check([0x7f])).toBe(MOSQ_ERR_MALFORMED_UTF8);
    for (let cp = 0x80; cp < 0xa0; cp++) {
      expect(check(encode(cp))).toBe(MOSQ_ERR_MALFORMED_UTF8);
    }
    expect(check(encode(0xa0))).toBe(MOSQ_ERR_SUCCESS);
    expect(check([0x20, 0x7e])).toBe(MOSQ_ERR_SUCCESS);
  });

  it('MQTT-1.5.4-2: refuses U+0000 inside a string', () => {
    const buf = Buffer.from('abcdefghi');
    expect(mosquitto_validate_utf8(buf, 9)).toBe(MOSQ_ERR_SUCCESS);
    buf[3] = 0;
    expect(mosquitto_validate_utf8(buf, 9)).toBe(MOSQ_ERR_MALFORMED_UTF8);
  });

  it('MQTT-1.5.4-3: accepts the zero width no-break space U+FEFF', () => {
    expect(check([0x61, 0x62, 0xef, 0xbb, 0xbf, 0x66, 0x67, 0x68, 0x69])).toBe(MOSQ_ERR_SUCCESS);
  });
});
