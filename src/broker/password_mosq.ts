/**
 * Password hashing shared by the broker's password file check and mosquitto_passwd
 * (src/password_mosq.c, with the types and constants of src/password_mosq.h).
 *
 * A stored password is `$6$salt$hash` (one SHA-512 over password then salt) or
 * `$7$iterations$salt$hash` (PBKDF2-HMAC-SHA512, 64 byte key); salt and hash are base64.
 * OpenSSL's digests and BIO base64 filter are replaced by node:crypto and Buffer's base64 codec.
 * @module
 */
import { createHash, pbkdf2Sync, randomFillSync } from 'node:crypto';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS, MOSQ_ERR_UNKNOWN } from '../include/mosquitto.js';

/** enum mosquitto_pwhash_type: the number written between the first two `$` of a stored hash. */
export type mosquitto_pwhash_type = 6 | 7;
export const pw_sha512 = 6;
export const pw_sha512_pbkdf2 = 7;

export const SALT_LEN = 12;
export const PW_DEFAULT_ITERATIONS = 101;

/** struct mosquitto_pw: one password's hash, its salt and how it was made. */
export interface mosquitto_pw {
  /** 64 bytes, the SHA-512 sized output */
  password_hash: Buffer;
  /** SALT_LEN bytes */
  salt: Buffer;
  iterations: number;
  hashtype: mosquitto_pwhash_type;
  valid: boolean;
}

/** The base64 alphabet, with at most two padding characters at the end. */
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A zero-filled mosquitto_pw of the given hash type, as `memset(&pw, 0, sizeof(pw))` gives.
 * @tsonly C declares the struct on the stack and zeroes it; TS needs the two buffers allocated.
 */
export function mosquitto_pw__new(hashtype: mosquitto_pwhash_type): mosquitto_pw {
  return {
    password_hash: Buffer.alloc(64),
    salt: Buffer.alloc(SALT_LEN),
    iterations: 0,
    hashtype,
    valid: false,
  };
}

/**
 * Encodes the first `in_len` bytes of `input` as one line of padded base64 (no newlines).
 * Always rc 0 here: the C's failure paths are OpenSSL allocation failures.
 * @adapted OpenSSL BIO chain replaced by Buffer's base64 codec; the char** out-parameter is the
 * returned `encoded`.
 */
export function base64__encode(input: Buffer, in_len: number): { rc: number; encoded: string | null } {
  return { rc: 0, encoded: input.subarray(0, in_len).toString('base64') };
}

/**
 * Decodes one line of base64. Returns rc 0 with the bytes, or rc 1 when the text holds a
 * character outside the alphabet or nothing decodes. Like OpenSSL's line decoder, trailing
 * blanks are ignored and an unpadded tail shorter than four characters is dropped.
 * @adapted OpenSSL BIO chain replaced by Buffer's base64 codec plus an alphabet check (Buffer
 * silently skips bad characters, OpenSSL fails); out-parameters become the returned object.
 */
export function base64__decode(input: string): { rc: number; decoded: Buffer | null; decoded_len: number } {
  const text = input.replace(/[ \t\r\n]+$/, '');
  if(!BASE64_CHARS.test(text)){
    return { rc: 1, decoded: null, decoded_len: 0 };
  }
  const decoded = Buffer.from(text.slice(0, text.length - (text.length % 4)), 'base64');
  if(decoded.length <= 0){
    return { rc: 1, decoded: null, decoded_len: 0 };
  }
  return { rc: 0, decoded, decoded_len: decoded.length };
}

/**
 * Hashes `password` into `pw.password_hash` with `pw.hashtype`. With `new_password` a fresh random
 * salt is drawn and `new_iterations` used; otherwise the salt and iterations already in `pw` are
 * reused, which is how a login attempt is checked against a stored entry.
 * Returns MOSQ_ERR_INVAL for fewer than one iteration.
 * @adapted OpenSSL EVP digest / PKCS5_PBKDF2_HMAC / RAND_bytes replaced by node:crypto; a Buffer
 * password is hashed up to its first NUL byte, as strlen() would see it.
 */
export function pw__hash(password: string | Buffer, pw: mosquitto_pw, new_password: boolean, new_iterations: number): number {
  let iterations: number;
  let pwbytes = Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8');
  const nul = pwbytes.indexOf(0);

  if(nul >= 0){
    pwbytes = pwbytes.subarray(0, nul);
  }
  if(new_password){
    try{
      randomFillSync(pw.salt);
    }catch{
      return MOSQ_ERR_UNKNOWN;
    }
    iterations = new_iterations;
  }else{
    iterations = pw.iterations;
  }
  if(iterations < 1){
    return MOSQ_ERR_INVAL;
  }

  if(pw.hashtype === pw_sha512){
    createHash('sha512').update(pwbytes).update(pw.salt).digest().copy(pw.password_hash);
  }else{
    pw.iterations = iterations;
    pbkdf2Sync(pwbytes, pw.salt, iterations, pw.password_hash.length, 'sha512').copy(pw.password_hash);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Compares `len` bytes of two buffers without stopping at the first difference, so the time
 * taken does not reveal where they differ. Returns 0 when equal, 1 otherwise or if either is null.
 */
export function pw__memcmp_const(a: Buffer | null, b: Buffer | null, len: number): number {
  let rc = 0;

  if(!a || !b) return 1;

  for(let i = 0; i < len; i++){
    if(a[i] !== b[i]){
      rc = 1;
    }
  }
  return rc;
}
