/**
 * Stand-ins for the few pieces of OpenSSL that mosquitto's TLS code calls and Node's `tls` and
 * `crypto` modules do not expose in the same form: the SSL_CTX a listener keeps, OpenSSL's error
 * strings, a certificate's subject in RFC 2253 form, and certificate revocation lists checked the
 * way mosquitto asks for (X509_V_FLAG_CRL_CHECK: the client's own certificate only).
 *
 * It also builds the one TLS alert OpenSSL sends and Node cannot: a server's refusal of the
 * client's certificate (Node always lets the handshake finish and leaves the verdict to
 * JavaScript).
 *
 * Node keeps its own OpenSSL (3.0, as Debian 12's mosquitto links), so the texts match; but a
 * `crl` handed to Node's secure context turns on CRL_CHECK_ALL, which needs a CRL for every CA in
 * the chain, so the port reads and checks CRLs itself.
 * @module
 */
import { createCipheriv, createHmac, X509Certificate, verify as crypto_verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SecureContext, SecureContextOptions, TLSSocket } from 'node:tls';

/**
 * A listener's TLS settings (C: SSL_CTX *). C configures one OpenSSL object step by step; Node
 * builds a SecureContext from a set of options in one go, so the steps fill `options` and the
 * last one builds `context`.
 */
export interface SSL_CTX {
  /** the tls.createSecureContext options gathered so far */
  options: SecureContextOptions;
  /** the context new connections use; null until it is built */
  context: SecureContext | null;
  /** SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT (require_certificate) */
  verify_peer: boolean;
  /** CRLs from crlfile: the client's certificate is checked against them */
  crls: X509_CRL[] | null;
  /** the PSK identity hint, when the TLS-PSK server callback is installed */
  psk_hint: string | null;
  /** whether the TLS-PSK server callback is installed */
  psk: boolean;
}

/** One certificate revocation list, with the parts the revocation check reads. */
export interface X509_CRL {
  /** DER of the issuer Name */
  issuer: Buffer;
  this_update: number;
  next_update: number | null;
  /** serial numbers (upper-case hex, no leading zero bytes) of the revoked certificates */
  revoked: Set<string>;
  /** DER of tbsCertList, the signed part */
  tbs: Buffer;
  sig_hash: string | null;
  signature: Buffer;
}

/** TLS alert descriptions (RFC 8446 section 6.2) that a failed client certificate check sends. */
export const SSL_AD_HANDSHAKE_FAILURE = 40;
export const SSL_AD_BAD_CERTIFICATE = 42;
export const SSL_AD_UNSUPPORTED_CERTIFICATE = 43;
export const SSL_AD_CERTIFICATE_REVOKED = 44;
export const SSL_AD_CERTIFICATE_EXPIRED = 45;
export const SSL_AD_CERTIFICATE_UNKNOWN = 46;
export const SSL_AD_UNKNOWN_CA = 48;
export const SSL_AD_DECRYPT_ERROR = 51;
export const SSL_AD_INTERNAL_ERROR = 80;
export const SSL_AD_CERTIFICATE_REQUIRED = 116;

/** An alert's level byte for a fatal alert. */
const SSL3_AL_FATAL = 2;
/** Record content types. */
const SSL3_RT_ALERT = 21;
const SSL3_RT_APPLICATION_DATA = 23;

/**
 * SSL_CTX_new: an empty context.
 * @tsonly OpenSSL's constructor for the stand-in struct
 */
export function SSL_CTX_new(): SSL_CTX {
  return { options: {}, context: null, verify_peer: false, crls: null, psk_hint: null, psk: false };
}

/**
 * ERR_error_string for one OpenSSL error as Node reports it: "error:<code>:<library>::<reason>"
 * (OpenSSL 3 leaves the function name out). Node's text also carries the function, the source
 * file and line; those are dropped.
 * @tsonly Node reports OpenSSL errors as JavaScript errors
 */
export function ERR_error_string(text: string): string | null {
  const m = /error:([0-9A-Fa-f]{8}):([^:]*):[^:]*:([^:\n]*)/.exec(text);
  if (!m) return null;
  return `error:${m[1].toUpperCase()}:${m[2]}::${m[3]}`;
}

/**
 * Every OpenSSL error a Node error carries, oldest first, as ERR_get_error would hand them out.
 * @tsonly Node keeps the OpenSSL error queue on the thrown error
 */
export function ERR_get_errors(err: unknown): string[] {
  const e = err as { message?: string; opensslErrorStack?: string[] };
  const out: string[] = [];
  for (const text of [...(e.opensslErrorStack ?? []), e.message ?? '']) {
    const s = ERR_error_string(text);
    if (s) out.push(s);
  }
  return out;
}

/**
 * The OpenSSL errors a failed file read leaves when a BIO opens the file: the system error, then
 * the BIO's, then the caller's library (`lib`, e.g. "0A080002:SSL routines").
 * @tsonly Node reads the files itself, so OpenSSL never sees the failure
 */
export function ERR_file_errors(err: NodeJS.ErrnoException, text: string, bio: string, lib: string): string[] {
  const code = (0x80000000 + (-(err.errno ?? 0) & 0xffff)).toString(16).toUpperCase().padStart(8, '0');
  return [`error:${code}:system library::${text}`, `error:${bio}`, `error:${lib}`];
}

/**
 * SSL_get_verify_result: the verification error of the peer's certificate chain (an X509_V_ERR
 * name such as CERT_HAS_EXPIRED), or null when it verified.
 * @tsonly Node exposes this as `authorizationError` only on sockets a tls.Server created, so the
 *   socket's native handle is asked
 */
export function SSL_get_verify_result(ssl: TLSSocket): string | null {
  const handle = (ssl as unknown as { _handle?: { verifyError?: () => { code?: string } | undefined } })._handle;
  const e = handle?.verifyError?.();
  return e ? (e.code ?? 'UNSPECIFIED') : null;
}

/**
 * The alert OpenSSL's ssl_x509err2alert picks for each verification error (the X509_V_ERR name
 * without its prefix, as Node reports it); any other error gets certificate_unknown.
 */
const X509ERR2ALERT: Record<string, number> = {
  APPLICATION_VERIFICATION: SSL_AD_HANDSHAKE_FAILURE,
  CA_KEY_TOO_SMALL: SSL_AD_BAD_CERTIFICATE,
  EC_KEY_EXPLICIT_PARAMS: SSL_AD_BAD_CERTIFICATE,
  CA_MD_TOO_WEAK: SSL_AD_BAD_CERTIFICATE,
  CERT_CHAIN_TOO_LONG: SSL_AD_UNKNOWN_CA,
  CERT_HAS_EXPIRED: SSL_AD_CERTIFICATE_EXPIRED,
  CERT_NOT_YET_VALID: SSL_AD_BAD_CERTIFICATE,
  CERT_REJECTED: SSL_AD_BAD_CERTIFICATE,
  CERT_REVOKED: SSL_AD_CERTIFICATE_REVOKED,
  CERT_SIGNATURE_FAILURE: SSL_AD_DECRYPT_ERROR,
  CERT_UNTRUSTED: SSL_AD_BAD_CERTIFICATE,
  CRL_HAS_EXPIRED: SSL_AD_CERTIFICATE_EXPIRED,
  CRL_NOT_YET_VALID: SSL_AD_BAD_CERTIFICATE,
  CRL_SIGNATURE_FAILURE: SSL_AD_DECRYPT_ERROR,
  DANE_NO_MATCH: SSL_AD_BAD_CERTIFICATE,
  DEPTH_ZERO_SELF_SIGNED_CERT: SSL_AD_UNKNOWN_CA,
  EE_KEY_TOO_SMALL: SSL_AD_BAD_CERTIFICATE,
  EMAIL_MISMATCH: SSL_AD_BAD_CERTIFICATE,
  ERROR_IN_CERT_NOT_AFTER_FIELD: SSL_AD_BAD_CERTIFICATE,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: SSL_AD_BAD_CERTIFICATE,
  ERROR_IN_CRL_LAST_UPDATE_FIELD: SSL_AD_BAD_CERTIFICATE,
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: SSL_AD_BAD_CERTIFICATE,
  HOSTNAME_MISMATCH: SSL_AD_BAD_CERTIFICATE,
  INVALID_CA: SSL_AD_UNKNOWN_CA,
  INVALID_CALL: SSL_AD_INTERNAL_ERROR,
  INVALID_PURPOSE: SSL_AD_UNSUPPORTED_CERTIFICATE,
  IP_ADDRESS_MISMATCH: SSL_AD_BAD_CERTIFICATE,
  OUT_OF_MEM: SSL_AD_INTERNAL_ERROR,
  PATH_LENGTH_EXCEEDED: SSL_AD_UNKNOWN_CA,
  SELF_SIGNED_CERT_IN_CHAIN: SSL_AD_UNKNOWN_CA,
  STORE_LOOKUP: SSL_AD_INTERNAL_ERROR,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: SSL_AD_BAD_CERTIFICATE,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: SSL_AD_BAD_CERTIFICATE,
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: SSL_AD_BAD_CERTIFICATE,
  UNABLE_TO_GET_CRL: SSL_AD_UNKNOWN_CA,
  UNABLE_TO_GET_CRL_ISSUER: SSL_AD_UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT: SSL_AD_UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: SSL_AD_UNKNOWN_CA,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: SSL_AD_UNKNOWN_CA,
  UNHANDLED_CRITICAL_CRL_EXTENSION: SSL_AD_BAD_CERTIFICATE,
  UNHANDLED_CRITICAL_EXTENSION: SSL_AD_BAD_CERTIFICATE,
  UNNESTED_RESOURCE: SSL_AD_BAD_CERTIFICATE,
  UNSPECIFIED: SSL_AD_INTERNAL_ERROR,
};

/**
 * ssl_x509err2alert: the TLS alert that tells the client why its certificate was refused.
 * @tsonly OpenSSL's lookup, keyed by the names Node gives verification errors
 */
export function ssl_x509err2alert(verify_error: string): number {
  return X509ERR2ALERT[verify_error] ?? SSL_AD_CERTIFICATE_UNKNOWN;
}

/** The TLS 1.3 cipher suites: their AEAD (Node's name), key length, tag length and hash. */
const TLS13_SUITES: Record<string, { aead: string; key_len: number; tag_len: number; md: string }> = {
  TLS_AES_128_GCM_SHA256: { aead: 'aes-128-gcm', key_len: 16, tag_len: 16, md: 'sha256' },
  TLS_AES_256_GCM_SHA384: { aead: 'aes-256-gcm', key_len: 32, tag_len: 16, md: 'sha384' },
  TLS_CHACHA20_POLY1305_SHA256: { aead: 'chacha20-poly1305', key_len: 32, tag_len: 16, md: 'sha256' },
  TLS_AES_128_CCM_SHA256: { aead: 'aes-128-ccm', key_len: 16, tag_len: 16, md: 'sha256' },
  TLS_AES_128_CCM_8_SHA256: { aead: 'aes-128-ccm', key_len: 16, tag_len: 8, md: 'sha256' },
};

/**
 * tls13_hkdf_expand: HKDF-Expand-Label of RFC 8446 (section 7.1) with an empty context, for
 * outputs no longer than one hash (traffic keys and IVs are).
 * @tsonly the key schedule step OpenSSL runs when it installs a traffic secret
 */
export function tls13_hkdf_expand(md: string, secret: Buffer, label: string, outlen: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const hkdflabel = Buffer.concat([Buffer.from([outlen >> 8, outlen & 0xff, full.length]), full, Buffer.from([0])]);
  return createHmac(md, secret).update(hkdflabel).update(Buffer.from([1])).digest().subarray(0, outlen);
}

/**
 * The record of a fatal alert that a server sends when the client's certificate fails its
 * check, as OpenSSL's server writes it: before TLS 1.3 in plaintext (the server's
 * ChangeCipherSpec has not gone out yet), in TLS 1.3 encrypted under the server's first
 * application traffic secret as its first record (sequence number 0). Null when it cannot be
 * built: TLS 1.3 without the secret, or an unknown version or suite.
 * @tsonly ssl3_send_alert for this one case; Node has no call that sends an alert
 */
export function ssl3_alert_record(version: string | null, cipher: string | undefined, server_traffic_secret: Buffer | null,
  desc: number): Buffer | null {
  const alert = Buffer.from([SSL3_AL_FATAL, desc]);
  const legacy: Record<string, number> = { TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303 };
  if (version !== null && version in legacy) {
    const header = Buffer.from([SSL3_RT_ALERT, 0, 0, 0, alert.length]);
    header.writeUInt16BE(legacy[version], 1);
    return Buffer.concat([header, alert]);
  }
  const suite = cipher ? TLS13_SUITES[cipher] : undefined;
  if (version !== 'TLSv1.3' || !suite || !server_traffic_secret) return null;
  const key = tls13_hkdf_expand(suite.md, server_traffic_secret, 'key', suite.key_len);
  /* The nonce is the IV XORed with the sequence number, which is 0 here. */
  const iv = tls13_hkdf_expand(suite.md, server_traffic_secret, 'iv', 12);
  /* TLSInnerPlaintext: the alert, then its real content type, no padding. */
  const inner = Buffer.concat([alert, Buffer.from([SSL3_RT_ALERT])]);
  const header = Buffer.from([SSL3_RT_APPLICATION_DATA, 0x03, 0x03, 0, inner.length + suite.tag_len]);
  const c = createCipheriv(suite.aead as 'aes-128-gcm', key, iv, { authTagLength: suite.tag_len });
  c.setAAD(header, { plaintextLength: inner.length });
  const body = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
  return Buffer.concat([header, body]);
}

/**
 * X509_NAME_print_ex(..., XN_FLAG_RFC2253) of a certificate's subject: attributes from the most
 * specific to the least, joined by commas, with bytes above 0x7f escaped as \XX.
 * @tsonly built from Node's one-attribute-per-line subject, which has the same escaping of the
 *   RFC 2253 special characters
 */
export function X509_NAME_print_rfc2253(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse()
    .map((rdn) => rdn.replace(/ \+ /g, '+'))
    .join(',')
    .replace(/[\u0080-\u{10ffff}]/gu, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(16).toUpperCase()}`).join(''));
}

/**
 * The first commonName of the peer certificate's subject, as X509_NAME_get_index_by_NID(name,
 * NID_commonName, -1) finds it; null when the subject has none.
 * @tsonly Node's parsed subject holds a repeated attribute as an array, in certificate order
 */
export function X509_NAME_get_first_CN(ssl: TLSSocket): string | null {
  const cn = ssl.getPeerCertificate().subject?.CN as string | string[] | undefined;
  if (cn === undefined) return null;
  return Array.isArray(cn) ? (cn[0] ?? null) : cn;
}

/** A DER element: its tag, where its content starts and where it ends. */
interface der {
  tag: number;
  start: number;
  end: number;
  /** where the element (its header) starts */
  head: number;
}

/**
 * Reads the DER element at `pos`.
 * @tsonly a minimal DER reader for CRLs and certificates (Node parses neither into parts)
 */
function der_read(buf: Buffer, pos: number): der {
  const tag = buf[pos];
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  if (tag === undefined || start + len > buf.length) throw new Error('truncated DER');
  return { tag, start, end: start + len, head: pos };
}

/**
 * The elements inside a constructed DER element.
 * @tsonly part of the DER reader (see der_read)
 */
function der_children(buf: Buffer, el: der): der[] {
  const out: der[] = [];
  for (let pos = el.start; pos < el.end;) {
    const c = der_read(buf, pos);
    out.push(c);
    pos = c.end;
  }
  return out;
}

/**
 * Dotted text of a DER OBJECT IDENTIFIER.
 * @tsonly part of the DER reader (see der_read)
 */
function der_oid(buf: Buffer, el: der): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = el.start; i < el.end; i++) {
    v = v * 128 + (buf[i] & 0x7f);
    if (!(buf[i] & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/**
 * Seconds since the epoch of a DER UTCTime or GeneralizedTime.
 * @tsonly part of the DER reader (see der_read)
 */
function der_time(buf: Buffer, el: der): number {
  const s = buf.toString('latin1', el.start, el.end);
  const m = el.tag === 0x17
    ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)
    : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (!m) throw new Error('bad DER time');
  let year = Number(m[1]);
  if (el.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}

/**
 * Upper-case hex of a DER INTEGER without leading zero bytes, as serial numbers are compared.
 * @tsonly part of the DER reader (see der_read)
 */
function der_serial(buf: Buffer, el: der): string {
  let i = el.start;
  while (i < el.end - 1 && buf[i] === 0) i++;
  return buf.toString('hex', i, el.end).toUpperCase();
}

/** The hash of the signature algorithms a CRL may be signed with (null: the key decides). */
const SIG_HASH: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

/**
 * Parses one DER CertificateList.
 * @tsonly OpenSSL's d2i_X509_CRL for the fields the revocation check reads
 */
function d2i_X509_CRL(buf: Buffer): X509_CRL {
  const [tbs_el, alg_el, sig_el] = der_children(buf, der_read(buf, 0));
  const tbs = der_children(buf, tbs_el);
  let i = tbs[0].tag === 0x02 ? 1 : 0; /* optional version */
  i++; /* signature algorithm, repeated outside */
  const issuer = buf.subarray(tbs[i].head, tbs[i].end);
  i++;
  const this_update = der_time(buf, tbs[i++]);
  let next_update: number | null = null;
  if (tbs[i] && (tbs[i].tag === 0x17 || tbs[i].tag === 0x18)) next_update = der_time(buf, tbs[i++]);
  const revoked = new Set<string>();
  if (tbs[i] && tbs[i].tag === 0x30) {
    for (const entry of der_children(buf, tbs[i])) {
      revoked.add(der_serial(buf, der_children(buf, entry)[0]));
    }
  }
  const oid = der_oid(buf, der_children(buf, alg_el)[0]);
  return {
    issuer,
    this_update,
    next_update,
    revoked,
    tbs: buf.subarray(tbs_el.head, tbs_el.end),
    sig_hash: oid in SIG_HASH ? SIG_HASH[oid] : 'unsupported',
    signature: buf.subarray(sig_el.start + 1, sig_el.end), /* skip the unused-bits byte */
  };
}

/**
 * X509_load_crl_file with X509_FILETYPE_PEM: every CRL in a PEM text. Throws like OpenSSL's
 * decoder when a block is not a CRL.
 * @tsonly reads the CRLs the port checks itself (see the module comment)
 */
export function PEM_read_X509_CRLs(pem: string): X509_CRL[] {
  const crls: X509_CRL[] = [];
  const re = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    crls.push(d2i_X509_CRL(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
  }
  return crls;
}

/**
 * The DER issuer Name and serial number of a certificate.
 * @tsonly X509_get_issuer_name/X509_get_serialNumber on Node's raw certificate
 */
function x509_issuer_serial(cert: X509Certificate): { issuer: Buffer; serial: string } {
  const raw = cert.raw;
  const tbs = der_children(raw, der_children(raw, der_read(raw, 0))[0]);
  const i = tbs[0].tag === 0xa0 ? 1 : 0; /* optional [0] version */
  return { issuer: raw.subarray(tbs[i + 2].head, tbs[i + 2].end), serial: der_serial(raw, tbs[i]) };
}

/**
 * The revocation check OpenSSL makes of one certificate under X509_V_FLAG_CRL_CHECK: a CRL from
 * its issuer, signed by `issuer_key`, current, and not listing it. Returns the X509_V_ERR name
 * of the failure, or null.
 * @tsonly check_crl/cert_crl of OpenSSL's x509_vfy.c for the leaf certificate
 */
export function X509_check_revocation(cert: X509Certificate, issuer_key: KeyObject | null, crls: X509_CRL[], now: number): string | null {
  const { issuer, serial } = x509_issuer_serial(cert);
  for (const crl of crls) {
    if (!crl.issuer.equals(issuer) || !issuer_key || crl.sig_hash === 'unsupported') continue;
    if (!crypto_verify(crl.sig_hash ?? undefined, crl.tbs, issuer_key, crl.signature)) {
      return 'CRL_SIGNATURE_FAILURE';
    }
    if (crl.this_update > now) return 'CRL_NOT_YET_VALID';
    if (crl.next_update !== null && crl.next_update < now) return 'CRL_HAS_EXPIRED';
    return crl.revoked.has(serial) ? 'CERT_REVOKED' : null;
  }
  return 'UNABLE_TO_GET_CRL';
}
