/**
 * Password checks of plugins/dynamic-security/auth.c: base64 for the config file, PBKDF2-SHA512
 * hashing of client passwords, and the basic-auth callback that checks a CONNECT's username,
 * password and client id against the plugin's clients.
 * @module
 */
import { pbkdf2Sync, randomFillSync } from 'node:crypto';
import { MOSQ_ERR_AUTH, MOSQ_ERR_INVAL, MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS, MOSQ_ERR_UNKNOWN } from '../../include/mosquitto.js';
import type { mosquitto_evt_basic_auth } from '../../include/mosquitto_broker.js';
import { mosquitto_client_id } from '../../broker/plugin_public.js';
import { base64__decode, PW_DEFAULT_ITERATIONS } from '../../broker/password_mosq.js';
import { dynsec_clients__find } from './clients.js';
import type { dynsec__client } from './dynamic_security.js';

/**
 * Encodes the first `in_len` bytes of `input` as one line of base64; rc 1 for a negative length.
 * @adapted OpenSSL's BIO base64 filter is Buffer's codec; the char** out-parameter is `encoded`
 */
export function dynsec_auth__base64_encode(input: Buffer, in_len: number): { rc: number; encoded: string | null } {
  if (in_len < 0) return { rc: 1, encoded: null };

  return { rc: 0, encoded: input.subarray(0, in_len).toString('base64') };
}

/**
 * Decodes one line of base64; rc 1 when nothing decodes.
 * @adapted OpenSSL's BIO base64 filter is the broker's base64__decode (same OpenSSL rules);
 * the out-parameters are the returned object
 */
export function dynsec_auth__base64_decode(input: string): { rc: number; decoded: Buffer | null; decoded_len: number } {
  const r = base64__decode(input);
  if (r.rc !== 0 || r.decoded_len <= 0) {
    return { rc: 1, decoded: null, decoded_len: 0 };
  }
  return { rc: 0, decoded: r.decoded, decoded_len: r.decoded_len };
}

/**
 * Hashes `password` with PBKDF2-HMAC-SHA512 into `password_hash`, with the client's salt and
 * iterations; `new_password` draws a fresh salt and uses the default iteration count first.
 * Returns 0 on success.
 * @adapted OpenSSL's RAND_bytes and PKCS5_PBKDF2_HMAC are node:crypto's randomFillSync and pbkdf2Sync
 */
export function dynsec_auth__pw_hash(client: dynsec__client, password: string, password_hash: Buffer, password_hash_len: number,
  new_password: boolean): number {
  let iterations: number;

  if (new_password) {
    try {
      randomFillSync(client.pw.salt);
    } catch {
      return MOSQ_ERR_UNKNOWN;
    }
    iterations = PW_DEFAULT_ITERATIONS;
  } else {
    iterations = client.pw.iterations;
  }
  if (iterations < 1) {
    return MOSQ_ERR_INVAL;
  }
  client.pw.iterations = iterations;

  try {
    pbkdf2Sync(Buffer.from(password, 'utf8'), client.pw.salt, iterations, password_hash_len, 'sha512').copy(password_hash);
  } catch {
    return 1;
  }
  return 0;
}

/**
 * Compares `len` bytes of two buffers in time that does not depend on where they differ; 0 when
 * equal.
 */
function memcmp_const(a: Buffer | null, b: Buffer | null, len: number): number {
  let rc = 0;

  if (!a || !b) return 1;

  for (let i = 0; i < len; i++) {
    if (a[i] !== b[i]) {
      rc = 1;
    }
  }
  return rc;
}

/**
 * MOSQ_EVT_BASIC_AUTH: a known, enabled client whose client id fits (when it has one) and
 * whose password hashes to the stored hash may connect; a disabled client, a wrong client id or
 * a wrong password is refused; an unknown user or a client without a password is left to the
 * next check (MOSQ_ERR_PLUGIN_DEFER), as is a connection without username or password.
 */
export function dynsec_auth__basic_auth_callback(_event: number, event_data: unknown, _userdata: unknown): number {
  const ed = event_data as mosquitto_evt_basic_auth;
  const password_hash = Buffer.alloc(64); /* SHA-512 sized */

  if (ed.username === null || ed.password === null) return MOSQ_ERR_PLUGIN_DEFER;

  const client = dynsec_clients__find(ed.username);
  if (client) {
    if (client.disabled) {
      return MOSQ_ERR_AUTH;
    }
    if (client.clientid !== null) {
      const clientid = mosquitto_client_id(ed.client);
      if (clientid === null || client.clientid !== clientid) {
        return MOSQ_ERR_AUTH;
      }
    }
    if (client.pw.valid && dynsec_auth__pw_hash(client, ed.password, password_hash, password_hash.length, false) === MOSQ_ERR_SUCCESS) {
      if (memcmp_const(client.pw.password_hash, password_hash, password_hash.length) === 0) {
        return MOSQ_ERR_SUCCESS;
      } else {
        return MOSQ_ERR_AUTH;
      }
    } else {
      return MOSQ_ERR_PLUGIN_DEFER;
    }
  } else {
    return MOSQ_ERR_PLUGIN_DEFER;
  }
}
