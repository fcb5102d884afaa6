/**
 * The broker's network layer of src/net.c: opening listeners (TCP, unix sockets), accepting
 * connections, and the TLS set-up of a listener (certificates, CA, CRL, TLS-PSK).
 *
 * TLS goes through Node's `tls` module. A listener's SSL_CTX (deps/openssl.ts) gathers the
 * options C sets on its OpenSSL context and ends in one SecureContext; each accepted socket is
 * wrapped in a server-side TLSSocket, whose handshake then runs as the client's bytes arrive.
 * @module
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Server, Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { SecureContextOptions, TlsOptions, TLSSocketOptions } from 'node:tls';
import { lookup } from 'node:dns/promises';
import {
  ERR_file_errors,
  ERR_get_errors,
  PEM_read_X509_CRLs,
  SSL_AD_CERTIFICATE_REQUIRED,
  SSL_AD_HANDSHAKE_FAILURE,
  SSL_CTX_new,
  SSL_get_verify_result,
  ssl3_alert_record,
  ssl_x509err2alert,
  X509_check_revocation,
} from '../deps/openssl.js';
import type { SSL_CTX, X509_CRL } from '../deps/openssl.js';
import {
  MOSQ_ERR_ERRNO,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TLS,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_NOTICE,
  MOSQ_LOG_WARNING,
} from '../include/mosquitto.js';
import type { mosq_out } from '../include/mosquitto_plugin.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { gai_strerror, strerror } from '../lib/misc_mosq.js';
import { net__cleanup, net__handle_ssl, net__init, net__print_ssl_error } from '../lib/net_mosq.js';
import { mosquitto__hex2bin } from '../lib/util_mosq.js';
import { context__cleanup, context__init } from './context.js';
import { log__printf } from './logging.js';
import { do_disconnect, loop__update_time, loop__wakeup_after_events } from './loop.js';
import { db } from './mosquitto_broker_internal.js';
import type { mosquitto__listener, mosquitto__listener_sock } from './mosquitto_broker_internal.js';
import { mosquitto_psk_key_get } from './security.js';
import { g } from './sys_tree.js';

/** OpenSSL's longest pre-shared key (PSK_MAX_PSK_LEN, OpenSSL 3). */
const PSK_MAX_PSK_LEN = 512;

/** The cipher list mosquitto sets when `ciphers` is not configured. */
const DEFAULT_CIPHERS = 'DEFAULT:!aNULL:!eNULL:!LOW:!EXPORT:!SSLv2:@STRENGTH';

/** OpenSSL 3's default TLS 1.3 ciphersuites, which mosquitto keeps unless `ciphers_tls1.3` is set. */
const DEFAULT_CIPHERSUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/**
 * Network set-up before listeners open.
 * @adapted no spare descriptor (Node reports EMFILE on the server instead) and no OpenSSL
 *   initialisation (Node's own) are needed
 */
export function net__broker_init(): void {
  net__init();
}

/**
 * Network tear-down at exit.
 * @adapted nothing global to release under Node
 */
export function net__broker_cleanup(): void {
  net__cleanup();
}

/**
 * Logs a system error with a printf-style format holding one %s.
 * @adapted the error comes as a Node error instead of the global errno
 */
function net__print_error(log: number, format_str: string, err: unknown): void {
  log__printf(null, log, format_str.replace('%s', strerror(err)));
}

/**
 * Turns a freshly accepted socket into a client context: applies TCP_NODELAY, enforces the
 * listener's max_connections and logs the new connection.
 * @adapted the socket comes from the server's `connection` event instead of accept(2)
 */
export function net__socket_accept(listensock: mosquitto__listener_sock, new_sock: Socket): mosquitto | null {
  g.g_socket_connections++;

  if (db.config!.set_tcp_nodelay) {
    new_sock.setNoDelay(true);
  }

  const new_context = context__init(new_sock);
  if (!new_context) {
    new_sock.destroy();
    return null;
  }
  new_context.listener = listensock.listener;

  new_context.listener.client_count++;
  if (new_context.listener.max_connections > 0
      && new_context.listener.client_count > new_context.listener.max_connections) {
    if (db.config!.connection_messages) {
      log__printf(null, MOSQ_LOG_NOTICE, `Client connection from ${new_context.address} denied: max_connections exceeded.`);
    }
    context__cleanup(new_context, true);
    return null;
  }

  /* TLS: the handshake runs as the client's bytes arrive, so (as with SSL_accept returning
   * WANT_READ in C) its outcome is known later: a failure is then a failed read. */
  const ssl_ctx = new_context.listener.ssl_ctx;
  if (ssl_ctx && ssl_ctx.context) {
    const listener = new_context.listener;
    /* Node's TLSSocket takes the server's PSK options too; its typings list them for tls.Server only. */
    const options: TLSSocketOptions & Pick<TlsOptions, 'pskCallback' | 'pskIdentityHint'> = {
      isServer: true,
      secureContext: ssl_ctx.context,
      /* Node would fail a handshake without a client certificate itself, but may then close the
       * connection before its alert is out; so the port refuses that case too (see below). */
      requestCert: ssl_ctx.verify_peer,
      rejectUnauthorized: false,
      pskCallback: ssl_ctx.psk ? (_ssl, identity) => psk_server_callback(new_context, listener, identity) : undefined,
      pskIdentityHint: ssl_ctx.psk_hint ?? undefined,
    };
    const ssl = new TLSSocket(new_sock, options);
    new_context.ssl = ssl;
    new_context.sock = ssl;
    new_context.want_write = true;
    /* A refused certificate is answered with OpenSSL's alert, which in TLS 1.3 is encrypted
     * under the server's application traffic secret: Node hands that out through `keylog`. */
    let server_traffic_secret: Buffer | null = null;
    if (ssl_ctx.verify_peer) {
      ssl.on('keylog', (line: Buffer) => {
        const m = /^SERVER_TRAFFIC_SECRET_0 \S+ ([0-9a-fA-F]+)/.exec(line.toString('latin1'));
        if (m) server_traffic_secret = Buffer.from(m[1], 'hex');
      });
    }
    ssl.once('secure', () => {
      if (ssl_ctx.verify_peer && !ssl.getPeerX509Certificate()) {
        /* SSL_VERIFY_FAIL_IF_NO_PEER_CERT: TLS 1.3 names the reason, earlier versions do not. */
        ssl_send_verify_alert(new_sock, ssl, server_traffic_secret,
          ssl.getProtocol() === 'TLSv1.3' ? SSL_AD_CERTIFICATE_REQUIRED : SSL_AD_HANDSHAKE_FAILURE);
        net__tls_failed(new_context, ssl, { message: 'error:0A0000C7:SSL routines::peer did not return a certificate' });
        return;
      }
      const verify_error = client_certificate_verify(ssl_ctx, ssl);
      if (verify_error !== null) {
        ssl_send_verify_alert(new_sock, ssl, server_traffic_secret, ssl_x509err2alert(verify_error));
        net__tls_failed(new_context, ssl, { message: 'error:0A000086:SSL routines::certificate verify failed' });
      }
      server_traffic_secret = null;
    });
    ssl.on('error', (err) => {
      /* Errors that are not OpenSSL's (a reset connection) end in `close`, as for TCP. */
      if (ERR_get_errors(err).length > 0) net__tls_failed(new_context, ssl, err);
    });
  }

  if (db.config!.connection_messages) {
    log__printf(null, MOSQ_LOG_NOTICE,
      `New connection from ${new_context.address}:${new_context.remote_port} on port ${new_context.listener.port}.`);
  }
  return new_context;
}

/**
 * A TLS failure on a client's connection: C's SSL_read fails, net__handle_ssl logs the OpenSSL
 * errors and sets errno to EPROTO, and the read loop disconnects the client with MOSQ_ERR_ERRNO.
 * @tsonly the read loop's part for the TLSSocket's `error` event (Node reads, not the broker)
 */
function net__tls_failed(context: mosquitto, ssl: TLSSocket, err: unknown): void {
  if (context.sock !== ssl) return;
  loop__update_time();
  net__handle_ssl(context, err);
  do_disconnect(context, MOSQ_ERR_ERRNO);
  loop__wakeup_after_events();
}

/**
 * Whether a client's certificate is accepted: OpenSSL's verdict on its chain, and with a
 * crlfile, the revocation check of the client's own certificate. Gives back the verification
 * error (an X509_V_ERR name such as CERT_REVOKED), or null when the certificate is accepted.
 * @adapted C's callback hands back OpenSSL's verdict during the handshake; Node always finishes
 *   the handshake and leaves the verdict to JavaScript, so it is read once the handshake is done
 *   and the error is returned for the alert (see ssl_send_verify_alert). The CRL check is made
 *   here because Node's own CRL support would demand a CRL for every CA of the chain.
 */
function client_certificate_verify(ssl_ctx: SSL_CTX, ssl: TLSSocket): string | null {
  if (!ssl_ctx.verify_peer) return null;
  const verify_error = SSL_get_verify_result(ssl);
  if (verify_error !== null || !ssl_ctx.crls) return verify_error;
  const cert = ssl.getPeerX509Certificate();
  if (!cert) return 'UNSPECIFIED';
  const issuer_raw = ssl.getPeerCertificate(true).issuerCertificate?.raw;
  const issuer_key = issuer_raw ? new X509Certificate(issuer_raw).publicKey : null;
  return X509_check_revocation(cert, issuer_key, ssl_ctx.crls, Date.now() / 1000);
}

/**
 * Sends the client the fatal alert OpenSSL sends when it refuses the client's certificate
 * (certificate expired, certificate revoked, ..., or none given), straight onto the TCP socket.
 * It goes out while Node's own records of the handshake's end (TLS 1.3 session tickets, TLS 1.2
 * ChangeCipherSpec and Finished) still wait in its buffer, so the client reads the alert where
 * OpenSSL would have put it: its first record under the new keys, or before them.
 * @tsonly OpenSSL sends this alert from inside the handshake, which Node never fails for a
 *   certificate
 */
function ssl_send_verify_alert(sock: Socket, ssl: TLSSocket, server_traffic_secret: Buffer | null, desc: number): void {
  if (ssl.isSessionReused()) return;
  const record = ssl3_alert_record(ssl.getProtocol(), ssl.getCipher()?.standardName, server_traffic_secret, desc);
  if (!record) return;
  sock.on('error', () => { /* the TLS socket on top reports the connection's end */ });
  sock.write(record);
}

/**
 * The key for a TLS-PSK identity: looked up through mosquitto_psk_key_get (psk_file, then
 * plugins) and turned from hex into bytes; with use_identity_as_username the identity becomes
 * the client's username.
 * @adapted Node's pskCallback takes the key as a Buffer (null refuses the identity) and the
 *   context and listener come from the closure instead of the SSL object's ex_data
 */
function psk_server_callback(context: mosquitto, listener: mosquitto__listener, identity: string | null): Buffer | null {
  if (!identity) return null;
  if (!context) return null;
  if (!listener) return null;

  const psk_hint = listener.psk_hint;
  const max_psk_len = PSK_MAX_PSK_LEN;

  /* Two hex digits per key byte. */
  const psk_key: mosq_out<string> = { value: '' };
  if (mosquitto_psk_key_get(context, psk_hint ?? '', identity, psk_key, max_psk_len * 2) !== MOSQ_ERR_SUCCESS) {
    return null;
  }

  const psk = Buffer.alloc(max_psk_len);
  const len = mosquitto__hex2bin(psk_key.value, psk, max_psk_len);
  if (len < 0) return null;

  if (listener.use_identity_as_username) {
    context.username = identity;
  }
  /* A zero length refuses the identity, as in C. */
  return len > 0 ? psk.subarray(0, len) : null;
}

/**
 * Starts a listener's TLS context: the protocol versions tls_version allows, server cipher
 * preference, the session id context, the cipher lists and the DH parameters.
 * @adapted the settings go into the SSL_CTX's options for tls.createSecureContext; lists are
 *   checked by building a throwaway context, as SSL_CTX_set_cipher_list checks them in C.
 *   OpenSSL 3 already leaves compression and SSLv3 off and uses a fresh DH key each time.
 */
export function net__tls_server_ctx(listener: mosquitto__listener): number {
  /* The previous context, if any, is dropped with its last reference. */
  listener.ssl_ctx = SSL_CTX_new();
  const options = listener.ssl_ctx.options;

  if (listener.tls_version === null) {
    options.minVersion = 'TLSv1.1';
  } else if (listener.tls_version === 'tlsv1.3') {
    options.minVersion = 'TLSv1.3';
  } else if (listener.tls_version === 'tlsv1.2') {
    options.minVersion = 'TLSv1.2';
  } else if (listener.tls_version === 'tlsv1.1') {
    options.minVersion = 'TLSv1.1';
  } else {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unsupported tls_version "${listener.tls_version}".`);
    return MOSQ_ERR_TLS;
  }
  options.maxVersion = 'TLSv1.3';
  options.honorCipherOrder = true;
  options.dhparam = 'auto';
  options.sessionIdContext = `mosquitto-${listener.port}`;

  const cipher_list = listener.ciphers ?? DEFAULT_CIPHERS;
  if (!cipher_list_ok(cipher_list)) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to set TLS ciphers. Check cipher list "${listener.ciphers}".`);
    return MOSQ_ERR_TLS;
  }
  let ciphersuites = DEFAULT_CIPHERSUITES;
  if (listener.ciphers_tls13 !== null) {
    ciphersuites = listener.ciphers_tls13.split(':').filter((c) => /^TLS_/.test(c) && cipher_list_ok(c)).join(':');
    if (ciphersuites === '' && listener.ciphers_tls13 !== '') {
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to set TLS 1.3 ciphersuites. Check cipher_tls13 list "${listener.ciphers_tls13}".`);
      return MOSQ_ERR_TLS;
    }
  }
  /* Node sorts the names starting with TLS_ into the TLS 1.3 list. */
  options.ciphers = ciphersuites ? `${cipher_list}:${ciphersuites}` : cipher_list;

  if (listener.dhparamfile) {
    let dhparam: string;
    try {
      dhparam = readFileSync(listener.dhparamfile, 'latin1');
    } catch {
      log__printf(null, MOSQ_LOG_ERR, `Error loading dhparamfile "${listener.dhparamfile}".`);
      return MOSQ_ERR_TLS;
    }
    if (!dhparam.includes('-----BEGIN DH PARAMETERS-----')) {
      log__printf(null, MOSQ_LOG_ERR, `Error loading dhparamfile "${listener.dhparamfile}".`);
      net__print_ssl_error(null, { message: 'error:0480006C:PEM routines::no start line' });
      return MOSQ_ERR_TLS;
    }
    options.dhparam = dhparam;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Whether OpenSSL accepts a cipher list (at least one cipher matches).
 * @tsonly SSL_CTX_set_cipher_list's check, made on a throwaway context
 */
function cipher_list_ok(list: string): boolean {
  try {
    createSecureContext({ ciphers: list });
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the listener's crlfile: client certificates are then checked against it.
 * @adapted the CRLs are kept on the SSL_CTX and checked by client_certificate_verify (see there)
 */
function net__load_crl_file(listener: mosquitto__listener): number {
  const fail = (errors: string[], err: unknown): number => {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load certificate revocation file "${listener.crlfile}". Check crlfile.`);
    net__print_error(MOSQ_LOG_ERR, 'Error: %s', err);
    net__print_ssl_error(null, { opensslErrorStack: errors });
    return MOSQ_ERR_TLS;
  };
  let pem: string;
  try {
    pem = readFileSync(listener.crlfile!, 'latin1');
  } catch (err) {
    return fail(ERR_file_errors(err as NodeJS.ErrnoException, strerror(err),
      '10080002:BIO routines::system lib', '05880002:x509 certificate routines::system lib'), err);
  }
  let crls: X509_CRL[];
  try {
    crls = PEM_read_X509_CRLs(pem);
  } catch {
    crls = [];
  }
  if (crls.length < 1) {
    return fail(['error:05800088:x509 certificate routines::no certificate or crl found'], { code: 'ENOENT' });
  }
  listener.ssl_ctx!.crls = crls;
  return MOSQ_ERR_SUCCESS;
}

/**
 * Loads the server certificate chain and key (and the CRL) into the listener's TLS context, and
 * asks clients for a certificate when require_certificate is set. Also used on SIGHUP to pick up
 * renewed certificates.
 * @adapted Node checks the key against the certificate while loading it, which is where
 *   SSL_CTX_use_PrivateKey_file reports a mismatch in C too; the context is rebuilt at the end
 */
export function net__load_certificates(listener: mosquitto__listener): number {
  const ssl_ctx = listener.ssl_ctx!;
  ssl_ctx.verify_peer = listener.require_certificate;

  const cert = load_pem(listener.certfile, {}, '0A080002:SSL routines::system lib');
  if (typeof cert !== 'string') {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load server certificate "${listener.certfile}". Check certfile.`);
    net__print_ssl_error(null, { opensslErrorStack: cert.errors });
    return MOSQ_ERR_TLS;
  }
  const key = load_pem(listener.keyfile, { cert }, '0A080002:SSL routines::system lib');
  if (typeof key !== 'string') {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load server key file "${listener.keyfile}". Check keyfile.`);
    net__print_ssl_error(null, { opensslErrorStack: key.errors });
    return MOSQ_ERR_TLS;
  }
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    log__printf(null, MOSQ_LOG_ERR, 'Error: Server certificate/key are inconsistent.');
    return MOSQ_ERR_TLS;
  }
  /* Load CRLs if they exist. */
  if (listener.crlfile) {
    const rc = net__load_crl_file(listener);
    if (rc) return rc;
  }
  ssl_ctx.context = createSecureContext({ ...ssl_ctx.options, cert, key });
  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a PEM file and checks it loads into a secure context on top of `base` (as `cert` when
 * `base` has none yet, else as `key`); gives back the text, or the OpenSSL errors of the failure.
 * @tsonly the file and PEM parts of SSL_CTX_use_certificate_chain_file/SSL_CTX_use_PrivateKey_file
 */
function load_pem(file: string | null, base: SecureContextOptions, lib: string): string | { errors: string[] } {
  let pem: string;
  try {
    pem = readFileSync(file ?? '', 'latin1');
  } catch (err) {
    return { errors: ERR_file_errors(err as NodeJS.ErrnoException, strerror(err), '10080002:BIO routines::system lib', lib) };
  }
  try {
    createSecureContext(base.cert ? { ...base, key: pem } : { cert: pem });
  } catch (err) {
    const errors = ERR_get_errors(err);
    if (errors[0] === 'error:0480006C:PEM routines::no start line') errors.push('error:0A080009:SSL routines::PEM lib');
    return { errors };
  }
  return pem;
}

/**
 * Loads the CA certificates client certificates are checked against (cafile, capath), then the
 * server's own certificate and key.
 * @adapted capath's hashed files (<hash>.<n>) are read up front instead of on demand; without
 *   either, the CA list is left empty rather than Node's built-in roots, as C's store is. The
 *   ENGINE step (tls_engine) is not ported.
 */
export function net__tls_load_verify(listener: mosquitto__listener): number {
  const ca: string[] = [];
  if (listener.cafile) {
    let pem: string;
    try {
      pem = readFileSync(listener.cafile, 'latin1');
    } catch (err) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load CA certificates. Check cafile "${listener.cafile}".`);
      net__print_ssl_error(null, { opensslErrorStack: ERR_file_errors(err as NodeJS.ErrnoException, strerror(err),
        '10000080:BIO routines::no such file', '05880002:x509 certificate routines::system lib') });
      return MOSQ_ERR_TLS;
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load CA certificates. Check cafile "${listener.cafile}".`);
      net__print_ssl_error(null, { message: 'error:05880009:x509 certificate routines::PEM lib' });
      return MOSQ_ERR_TLS;
    }
    ca.push(pem);
  }
  if (listener.capath) {
    let names: string[] = [];
    try {
      names = readdirSync(listener.capath).filter((n) => /^[0-9a-f]{8}\.[0-9]+$/.test(n)).sort();
    } catch {
      /* OpenSSL only remembers the directory, so a missing one is no error. */
    }
    for (const n of names) {
      try {
        ca.push(readFileSync(join(listener.capath, n), 'latin1'));
      } catch {
        /* unreadable entries are skipped, as the lookup skips them */
      }
    }
  }
  listener.ssl_ctx!.options.ca = ca;

  return net__load_certificates(listener);
}

/**
 * Finds the address of the listener's `bind_interface` in the family of `rp`, to bind to instead
 * of `rp`'s own; with a listener host as well, the two must be the same address.
 * @adapted os.networkInterfaces() replaces getifaddrs(3); the address comes back in the result
 *   instead of being copied into the addrinfo
 */
function net__bind_interface(listener: mosquitto__listener, rp: { address: string; family: number }): { rc: number; address: string } {
  const ifaces = networkInterfaces();
  for (const [name, addrs] of Object.entries(ifaces)) {
    if (name.toLowerCase() !== listener.bind_interface!.toLowerCase()) continue;
    for (const ifa of addrs ?? []) {
      if (ifa.family !== `IPv${rp.family}`) continue;
      if (listener.host && !same_address(rp.address, ifa.address)) {
        log__printf(null, MOSQ_LOG_WARNING, `Warning: Interface address for ${listener.bind_interface} does not match specified listener address (${listener.host}).`);
        return { rc: MOSQ_ERR_INVAL, address: rp.address };
      }
      return { rc: MOSQ_ERR_SUCCESS, address: ifa.address };
    }
  }
  log__printf(null, MOSQ_LOG_WARNING, `Warning: Interface ${listener.bind_interface} does not support ${rp.family === 4 ? 'IPv4' : 'IPv6'} configuration.`);
  return { rc: MOSQ_ERR_NOT_FOUND, address: rp.address };
}

/**
 * Whether two textual IP addresses are the same address.
 * @tsonly C compares the binary addresses with memcmp; text needs normalising first
 */
function same_address(a: string, b: string): boolean {
  if (isIPv6(a) && isIPv6(b)) {
    return new URL(`http://[${a}]/`).hostname === new URL(`http://[${b}]/`).hostname;
  }
  return a === b;
}

/**
 * How many bytes a client socket buffers before it counts as full (net__write's EAGAIN).
 * Node's default of 16 KiB is less than one tick's corked batch of publishes, while a Linux
 * TCP send buffer takes megabytes before write(2) says EAGAIN; with 16 KiB, QoS 0 messages to
 * a subscriber that keeps up were dropped at max_queued_messages where mosquitto drops none.
 */
const SOCKET_BUFFER_BYTES = 1024 * 1024;

/**
 * Opens one TCP server per address the listener's host resolves to, IPv4 and IPv6 alike, as
 * getaddrinfo with AI_PASSIVE does in C. With `bind_interface`, each socket binds to that
 * interface's address of its family; at least one must.
 * @adapted dns.lookup and server.listen are asynchronous, so this returns a promise
 * @adapted client sockets get a 1 MiB high-water mark (SOCKET_BUFFER_BYTES) to stand in for the
 *   kernel's send buffer
 */
async function net__socket_listen_tcp(listener: mosquitto__listener): Promise<number> {
  let addresses: { address: string; family: number }[];
  try {
    if (listener.host) {
      const family = listener.socket_domain === 4 ? 4 : listener.socket_domain === 6 ? 6 : 0;
      addresses = await lookup(listener.host, { all: true, family, order: 'ipv4first' });
    } else {
      addresses = [];
      if (listener.socket_domain !== 6) addresses.push({ address: '0.0.0.0', family: 4 });
      if (listener.socket_domain !== 4) addresses.push({ address: '::', family: 6 });
    }
  } catch (err) {
    log__printf(null, MOSQ_LOG_ERR, `Error creating listener: ${gai_strerror(err)}.`);
    return 1;
  }

  let interface_bound = false;
  listener.sock_count = 0;
  listener.socks = [];
  for (const rp of addresses) {
    log__printf(null, MOSQ_LOG_INFO, `Opening ipv${rp.family} listen socket on port ${listener.port}.`);
    let address = rp.address;
    if (listener.bind_interface) {
      /* An interface may lack one of the families; at least one has to be found. */
      const bound = net__bind_interface(listener, rp);
      if (bound.rc) {
        continue;
      }
      address = bound.address;
      interface_bound = true;
    }
    const server = createServer({ allowHalfOpen: false, pauseOnConnect: false, highWaterMark: SOCKET_BUFFER_BYTES });
    const error = await listen(server, address, rp.family, listener.port);
    if (error) {
      if (error.code === 'EACCES') {
        log__printf(null, MOSQ_LOG_ERR, 'If you are trying to bind to a privileged port (<1024), try using setcap and do not start the broker as root:');
        log__printf(null, MOSQ_LOG_ERR, "    sudo setcap 'CAP_NET_BIND_SERVICE=+ep /usr/sbin/mosquitto'");
      }
      log__printf(null, MOSQ_LOG_ERR, `Error: ${strerror(error)}`);
      for (const s of listener.socks) s.close();
      listener.socks = [];
      listener.sock_count = 0;
      return 1;
    }
    listener.socks.push(server);
    listener.sock_count++;
  }
  if (listener.bind_interface && !interface_bound) {
    listener.socks = [];
    return 1;
  }
  return 0;
}

/**
 * Binds and listens, resolving to the system error if that fails.
 * @tsonly bind(2) and listen(2) in one asynchronous step, as Node offers them
 * @adapted the accept queue holds 1024 instead of mosquitto's 100: Node spends longer per accepted
 *   socket than C's accept loop, so a burst of connections overflowed 100 and waited for SYN
 *   retries (about 1 s each)
 */
function listen(server: Server, host: string, family: number, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException): void => resolve(err);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: family === 6, backlog: 1024, exclusive: true }, () => {
      server.off('error', onError);
      resolve(null);
    });
  });
}

/**
 * Opens a unix domain socket listener (`listener 0 /path`): any old socket file is removed
 * first, and the new one is accessible to owner and group only.
 * @adapted asynchronous like net__socket_listen_tcp; the umask is set around Node's bind, which
 *   happens inside listen()
 */
async function net__socket_listen_unix(listener: mosquitto__listener): Promise<number> {
  const path = listener.unix_socket_path;
  if (path === null) {
    return MOSQ_ERR_INVAL;
  }
  /* sun_path holds 108 bytes, the terminating NUL included. */
  if (Buffer.byteLength(path) > 107) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Path to unix socket is too long "${path}".`);
    return MOSQ_ERR_INVAL;
  }

  try {
    unlinkSync(path);
  } catch {
    /* nothing to remove */
  }
  log__printf(null, MOSQ_LOG_INFO, `Opening unix listen socket on path ${path}.`);

  const server = createServer({ allowHalfOpen: false, pauseOnConnect: false });
  listener.sock_count++;
  listener.socks.push(server);

  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const onError = (err: NodeJS.ErrnoException): void => resolve(err);
    server.once('error', onError);
    const old_mask = process.umask(0o007);
    try {
      server.listen({ path, backlog: 10, exclusive: true }, () => {
        server.off('error', onError);
        resolve(null);
      });
    } finally {
      process.umask(old_mask);
    }
  });
  if (error) {
    net__print_error(MOSQ_LOG_ERR, 'Error binding unix socket: %s', error);
    return 1;
  }
  return 0;
}

/**
 * Opens a listener's sockets; fails unless at least one socket is listening. A listener with a
 * certificate and key speaks TLS; one with only a psk_hint speaks TLS-PSK.
 * @adapted asynchronous, like net__socket_listen_tcp
 */
export async function net__socket_listen(listener: mosquitto__listener): Promise<number> {
  let rc: number;

  if (!listener) return MOSQ_ERR_INVAL;

  if (listener.port === 0 && listener.unix_socket_path !== null) {
    rc = await net__socket_listen_unix(listener);
  } else {
    rc = await net__socket_listen_tcp(listener);
  }
  if (rc) return rc;

  /* At least one socket must be listening. */
  if (listener.sock_count > 0) {
    if (listener.certfile && listener.keyfile) {
      if (net__tls_server_ctx(listener)) {
        return 1;
      }
      if (net__tls_load_verify(listener)) {
        return 1;
      }
    } else if (listener.psk_hint) {
      if (net__tls_server_ctx(listener)) {
        return 1;
      }
      const ssl_ctx = listener.ssl_ctx!;
      ssl_ctx.psk = true;
      ssl_ctx.psk_hint = listener.psk_hint;
      ssl_ctx.context = createSecureContext(ssl_ctx.options);
    }
    return 0;
  } else {
    return 1;
  }
}

/**
 * The peer's address and port of a connected socket, or null if it is already gone. For a unix
 * socket, the socket's path and port 0.
 * @adapted returns both values instead of filling a buffer and an out-parameter; Node has no
 *   getsockname for unix sockets, so the path comes from the server that accepted it
 */
export function net__socket_get_address(sock: Socket): { address: string; remote_port: number } | null {
  const address = sock.remoteAddress;
  if (address) {
    return { address, remote_port: sock.remotePort ?? 0 };
  }
  const local = (sock as Socket & { server?: Server }).server?.address();
  if (typeof local === 'string') {
    return { address: local, remote_port: 0 };
  }
  return null;
}
