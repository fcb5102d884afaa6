/**
 * The UTF-8 check of lib/utf8_mosq.c. MQTT requires every string field to be well-formed UTF-8
 * without U+0000; mosquitto is stricter still and also refuses surrogates, non-characters and
 * control characters.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';

/**
 * Checks the first `len` bytes of `str` byte by byte. Refused: NUL, stray continuation bytes,
 * 0xC0/0xC1 and lead bytes above 0xF4, truncated sequences, overlong 3- and 4-byte forms,
 * UTF-16 surrogates, code points above U+10FFFF, the non-characters U+FDD0..U+FDEF and
 * U+xFFFE/U+xFFFF, and the controls U+0001..U+001F and U+007F..U+009F.
 * Returns MOSQ_ERR_INVAL for a missing input or a length outside 0..65536.
 * @adapted takes a Buffer (or a JS string, checked as its UTF-8 encoding); a sequence cut short
 *   by the end of the data is refused with an explicit bound check where the C relies on the
 *   terminating NUL after the bytes
 */
export function mosquitto_validate_utf8(str: Buffer | string | null, len: number): number {
  if (str === null) return MOSQ_ERR_INVAL;
  if (len < 0 || len > 65536) return MOSQ_ERR_INVAL;

  const ustr = typeof str === 'string' ? Buffer.from(str, 'utf8') : str;
  /* Past the end of the data a C string has its NUL, which is refused. */
  if (len > ustr.length) return MOSQ_ERR_MALFORMED_UTF8;

  let codelen: number;
  let codepoint: number;
  for (let i = 0; i < len; i++) {
    const lead = ustr[i];
    if (lead === 0) {
      return MOSQ_ERR_MALFORMED_UTF8;
    } else if (lead <= 0x7f) {
      codelen = 1;
      codepoint = lead;
    } else if ((lead & 0xe0) === 0xc0) {
      /* two bytes: 110xxxxx; C0 and C1 could only start an overlong form */
      if (lead === 0xc0 || lead === 0xc1) {
        return MOSQ_ERR_MALFORMED_UTF8;
      }
      codelen = 2;
      codepoint = lead & 0x1f;
    } else if ((lead & 0xf0) === 0xe0) {
      /* three bytes: 1110xxxx */
      codelen = 3;
      codepoint = lead & 0x0f;
    } else if ((lead & 0xf8) === 0xf0) {
      /* four bytes: 11110xxx; above F4 the value would pass U+10FFFF */
      if (lead > 0xf4) {
        return MOSQ_ERR_MALFORMED_UTF8;
      }
      codelen = 4;
      codepoint = lead & 0x07;
    } else {
      /* a continuation byte where a character should start */
      return MOSQ_ERR_MALFORMED_UTF8;
    }

    /* Not enough bytes left for the whole sequence. */
    if (i + codelen > len) {
      return MOSQ_ERR_MALFORMED_UTF8;
    }
    for (let j = 0; j < codelen - 1; j++) {
      i++;
      if ((ustr[i] & 0xc0) !== 0x80) {
        return MOSQ_ERR_MALFORMED_UTF8;
      }
      codepoint = (codepoint << 6) | (ustr[i] & 0x3f);
    }

    /* UTF-16 surrogate halves are not characters. */
    if (codepoint >= 0xd800 && codepoint <= 0xdfff) {
      return MOSQ_ERR_MALFORMED_UTF8;
    }

    /* Overlong or out of range (two-byte overlongs were caught by the C0/C1 test). */
    if (codelen === 3 && codepoint < 0x0800) {
      return MOSQ_ERR_MALFORMED_UTF8;
    } else if (codelen === 4 && (codepoint < 0x10000 || codepoint > 0x10ffff)) {
      return MOSQ_ERR_MALFORMED_UTF8;
    }

    /* Non-characters. */
    if (codepoint >= 0xfdd0 && codepoint <= 0xfdef) {
      return MOSQ_ERR_MALFORMED_UTF8;
    }
    if ((codepoint & 0xffff) === 0xfffe || (codepoint & 0xffff) === 0xffff) {
      return MOSQ_ERR_MALFORMED_UTF8;
    }
    /* C0 controls, DEL and the C1 controls. */
    if (codepoint <= 0x001f || (codepoint >= 0x007f && codepoint <= 0x009f)) {
      return MOSQ_ERR_MALFORMED_UTF8;
    }
  }
  return MOSQ_ERR_SUCCESS;
}
