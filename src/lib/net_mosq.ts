/**
 * Socket reads, writes, closing and outgoing connections (a bridge's, with its TLS client
 * side) of lib/net_mosq.c, in the broker's build.
 *
 * Node delivers incoming bytes as chunks in `data` events instead of letting the broker call
 * read(2). The mux stores the chunk on the context (`in_chunk`) and runs packet__read, which pulls
 * bytes from it through net__read; an exhausted chunk is this port's EAGAIN.
 *
 * An outgoing connection is always non-blocking here: Node resolves the name and connects in the
 * background, so net__socket_connect answers MOSQ_ERR_CONN_PENDING with the socket, and the
 * socket's `connect` (`secureConnect` with TLS) event is the moment C sees EPOLLOUT.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect as tcp_connect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, connect as tls_connect, createSecureContext } from 'node:tls';
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import { join } from 'node:path';
import { log__printf } from '../broker/logging.js';
import { db } from '../broker/mosquitto_broker_internal.js';
import { ERR_file_errors, ERR_get_errors, SSL_CTX_new } from '../deps/openssl.js';
import type { SSL_CTX } from '../deps/openssl.js';
import {
  MOSQ_ERR_CONN_PENDING,
  MOSQ_ERR_ERRNO,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_OCSP,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TLS,
  MOSQ_LOG_ERR,
} from '../include/mosquitto.js';
import type { mosq_sock_t, mosquitto } from './mosquitto_internal.js';
import { strerror } from './misc_mosq.js';
import { mosquitto__hex2bin } from './util_mosq.js';

/** OpenSSL's longest pre-shared key (PSK_MAX_PSK_LEN). */
const PSK_MAX_PSK_LEN = 512;

/** OpenSSL 3's default TLS 1.3 ciphersuites: a client that sets no cipher list offers these. */
const DEFAULT_CIPHERSUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/** The socket an outgoing connection attempt made (C: the mosq_sock_t out-parameter). */
export interface net__try_connect_result {
  rc: number;
  sock: mosq_sock_t;
}

/**
 * The system error text of the last failed socket operation (C: errno), for the log line of the
 * disconnect that follows it. Node reports socket errors in events, so whoever handles one sets it.
 */
export const net__errno = { text: 'Connection reset by peer' };

/**
 * Global network set-up.
 * @adapted nothing to do: no WinSock to start, no c-ares (WITH_SRV is not in the build)
 */
export function net__init(): number {
  return MOSQ_ERR_SUCCESS;
}

/**
 * Global network tear-down.
 * @adapted nothing to release: Node owns its OpenSSL and sockets
 */
export function net__cleanup(): void {
  /* Node frees OpenSSL's state itself. */
}

/**
 * Closes a client's socket and forgets it; bytes already queued are still flushed to the peer,
 * as close(2) does after a successful write(2).
 * @adapted Node's end() flushes then sends FIN; destroy() follows once the flush is done
 */
export function net__socket_close(mosq: mosquitto): number {
  const sock = mosq.sock;
  if (sock) {
    db.contexts_by_sock.delete(mosq);
    mosq.sock = null;
    mosq.ssl = null;
    mosq.in_chunk = null;
    sock.end(() => sock.destroy());
  }
  if (mosq.listener) {
    mosq.listener.client_count--;
  }
  return 0;
}

/**
 * Gives OpenSSL the identity and key of a TLS-PSK bridge when the server asks for them.
 * @adapted Node's pskCallback wants `{ identity, psk }` back (null refuses); the context comes
 *   from the closure instead of the SSL object's ex_data, the settings from its bridge
 */
function psk_client_callback(mosq: mosquitto | null, _hint: string | null): { identity: string; psk: Buffer } | null {
  if (!mosq || !mosq.bridge) return null;

  const identity = mosq.bridge.tls_psk_identity ?? '';

  const psk = Buffer.alloc(PSK_MAX_PSK_LEN);
  const len = mosquitto__hex2bin(mosq.bridge.tls_psk ?? '', psk, PSK_MAX_PSK_LEN);
  if (len < 0) return null;
  return { identity, psk: psk.subarray(0, len) };
}

/**
 * Starts a TCP connection to host:port, from bind_address when one is given.
 * @adapted Node looks the name up and connects in the background, so the answer is always
 *   MOSQ_ERR_CONN_PENDING with the new socket (C's EINPROGRESS); a failed lookup or connect
 *   arrives later as the socket's `error` and `close`. `blocking` has no Node counterpart: the
 *   broker only connects without blocking. The socket comes back in the result.
 */
function net__try_connect_tcp(host: string, port: number, bind_address: string | null, _blocking: boolean): net__try_connect_result {
  let sock: Socket;
  try {
    sock = tcp_connect({ host, port, localAddress: bind_address ?? undefined });
  } catch (err) {
    net__errno.text = strerror(err);
    return { rc: MOSQ_ERR_ERRNO, sock: null };
  }
  /* Until the owner listens, an error must not be thrown: it ends in `close` anyway. */
  sock.on('error', () => { /* see `close` */ });
  return { rc: MOSQ_ERR_CONN_PENDING, sock };
}

/**
 * Starts a connection to a unix socket at path `host`.
 * @adapted as net__try_connect_tcp: Node connects in the background (MOSQ_ERR_CONN_PENDING)
 */
function net__try_connect_unix(host: string | null): net__try_connect_result {
  if (host === null || host.length === 0 || Buffer.byteLength(host) > 107) {
    return { rc: MOSQ_ERR_INVAL, sock: null };
  }
  const sock = tcp_connect({ path: host });
  sock.on('error', () => { /* see `close` */ });
  return { rc: MOSQ_ERR_CONN_PENDING, sock };
}

/**
 * Starts a connection: port 0 means `host` is a unix socket path, anything else TCP.
 * @adapted the socket comes back in the result instead of through `mosq_sock_t *sock`
 */
export function net__try_connect(host: string, port: number, bind_address: string | null, blocking: boolean): net__try_connect_result {
  if (port === 0) {
    return net__try_connect_unix(host);
  } else {
    return net__try_connect_tcp(host, port, bind_address, blocking);
  }
}

/**
 * Logs every OpenSSL error of a failure, numbered from 0, as "OpenSSL Error[n]: ...".
 * @adapted the errors come on the Node error (its message and opensslErrorStack) instead of
 *   OpenSSL's thread error queue
 */
export function net__print_ssl_error(mosq: mosquitto | null, err: unknown): void {
  let num = 0;
  for (const e of ERR_get_errors(err)) {
    log__printf(mosq, MOSQ_LOG_ERR, `OpenSSL Error[${num}]: ${e}`);
    num++;
  }
}

/**
 * Starts the TLS handshake of an outgoing connection over its (possibly still connecting) TCP
 * socket; the TLSSocket then stands in for the socket. bridge_require_ocsp is refused.
 * @adapted Node runs the handshake itself once the TCP connection is up (C calls SSL_connect
 *   until it stops asking for reads or writes); its failure arrives as the TLSSocket's `error`.
 *   Node's client cannot check a stapled OCSP response, so OCSP is reported as unavailable.
 */
function net__socket_connect_tls(mosq: mosquitto, options: ConnectionOptions): number {
  if (mosq.bridge && mosq.bridge.tls_ocsp_required) {
    log__printf(mosq, MOSQ_LOG_ERR, 'Could not activate OCSP (error: 0)');
    return MOSQ_ERR_OCSP;
  }
  const ssl = tls_connect(options);
  ssl.on('error', () => { /* see `close` */ });
  mosq.ssl = ssl;
  mosq.sock = ssl;
  return MOSQ_ERR_SUCCESS;
}

/**
 * Loads the CA certificates the remote broker's certificate is checked against (bridge_cafile,
 * bridge_capath), logging which option to check when that fails.
 * @adapted the PEM text goes into the SSL_CTX options (Node's `ca`); capath's hashed files
 *   (<hash>.<n>) are read up front instead of looked up on demand. Node reads the file, so the
 *   OpenSSL errors C's caller prints are made up from the read error and printed here.
 */
function net__tls_load_ca(mosq: mosquitto, ssl_ctx: SSL_CTX): number {
  const bridge = mosq.bridge!;
  const ca: string[] = [];
  if (bridge.tls_cafile) {
    let pem: string;
    try {
      pem = readFileSync(bridge.tls_cafile, 'latin1');
    } catch (err) {
      log__printf(mosq, MOSQ_LOG_ERR, `Error: Unable to load CA certificates, check bridge_cafile "${bridge.tls_cafile}".`);
      net__print_ssl_error(mosq, { opensslErrorStack: ERR_file_errors(err as NodeJS.ErrnoException, strerror(err),
        '10000080:BIO routines::no such file', '05880002:x509 certificate routines::system lib') });
      return MOSQ_ERR_TLS;
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      log__printf(mosq, MOSQ_LOG_ERR, `Error: Unable to load CA certificates, check bridge_cafile "${bridge.tls_cafile}".`);
      net__print_ssl_error(mosq, { message: 'error:05880009:x509 certificate routines::PEM lib' });
      return MOSQ_ERR_TLS;
    }
    ca.push(pem);
  }
  if (bridge.tls_capath) {
    let names: string[] = [];
    try {
      names = readdirSync(bridge.tls_capath).filter((n) => /^[0-9a-f]{8}\.[0-9]+$/.test(n)).sort();
    } catch {
      /* OpenSSL only remembers the directory, so a missing one is no error. */
    }
    for (const n of names) {
      try {
        ca.push(readFileSync(join(bridge.tls_capath, n), 'latin1'));
      } catch {
        /* unreadable entries are skipped, as the lookup skips them */
      }
    }
  }
  ssl_ctx.options.ca = ca;
  return MOSQ_ERR_SUCCESS;
}

/**
 * Builds the client TLS context of a bridge that uses TLS (a CA or a PSK is configured): the
 * protocol versions bridge_tls_version allows, ALPN, the CA certificates with peer verification,
 * the client certificate and key, or the PSK callback. Returns no context for a plain bridge.
 * @adapted the steps fill the options of a Node secure context (see deps/openssl.ts); C keeps the
 *   context on the client and loads the files into it on every connect, here it is rebuilt on
 *   every connect, which reads the same files. The settings are the bridge's (C copies them onto
 *   the context in bridge__new). No ENGINE support.
 */
function net__init_ssl_ctx(mosq: mosquitto): { rc: number; ssl_ctx: SSL_CTX | null } {
  const bridge = mosq.bridge;
  if (!bridge || !(bridge.tls_cafile || bridge.tls_capath || bridge.tls_psk)) {
    return { rc: MOSQ_ERR_SUCCESS, ssl_ctx: null };
  }
  const ssl_ctx = SSL_CTX_new();
  const options = ssl_ctx.options;

  options.maxVersion = 'TLSv1.3';
  if (!bridge.tls_version) {
    options.minVersion = 'TLSv1.2';
  } else if (bridge.tls_version === 'tlsv1.3') {
    options.minVersion = 'TLSv1.3';
  } else if (bridge.tls_version === 'tlsv1.2') {
    options.minVersion = 'TLSv1.2';
  } else if (bridge.tls_version === 'tlsv1.1') {
    options.minVersion = 'TLSv1.1';
  } else {
    log__printf(mosq, MOSQ_LOG_ERR, `Error: Protocol ${bridge.tls_version} not supported.`);
    return { rc: MOSQ_ERR_INVAL, ssl_ctx: null };
  }
  /* OpenSSL's own default list (it has the PSK suites Node's default leaves out). */
  options.ciphers = `DEFAULT:${DEFAULT_CIPHERSUITES}`;

  if (bridge.tls_cafile || bridge.tls_capath) {
    const ret = net__tls_load_ca(mosq, ssl_ctx);
    if (ret !== MOSQ_ERR_SUCCESS) {
      return { rc: MOSQ_ERR_TLS, ssl_ctx: null };
    }
    ssl_ctx.verify_peer = true;

    if (bridge.tls_certfile) {
      try {
        options.cert = readFileSync(bridge.tls_certfile, 'latin1');
        createSecureContext({ cert: options.cert });
      } catch (err) {
        log__printf(mosq, MOSQ_LOG_ERR, `Error: Unable to load client certificate, check bridge_certfile "${bridge.tls_certfile}".`);
        net__print_ssl_error(mosq, err);
        return { rc: MOSQ_ERR_TLS, ssl_ctx: null };
      }
    }
    if (bridge.tls_keyfile) {
      try {
        options.key = readFileSync(bridge.tls_keyfile, 'latin1');
      } catch (err) {
        log__printf(mosq, MOSQ_LOG_ERR, `Error: Unable to load client key file, check bridge_keyfile "${bridge.tls_keyfile}".`);
        net__print_ssl_error(mosq, err);
        return { rc: MOSQ_ERR_TLS, ssl_ctx: null };
      }
      try {
        createSecureContext({ cert: options.cert, key: options.key });
      } catch (err) {
        log__printf(mosq, MOSQ_LOG_ERR, 'Error: Client certificate/key are inconsistent.');
        net__print_ssl_error(mosq, err);
        return { rc: MOSQ_ERR_TLS, ssl_ctx: null };
      }
    }
  } else if (bridge.tls_psk) {
    ssl_ctx.psk = true;
  }
  ssl_ctx.context = createSecureContext(options);
  return { rc: MOSQ_ERR_SUCCESS, ssl_ctx };
}

/**
 * The certificate check C's verify callback adds to OpenSSL's: unless bridge_insecure is set,
 * the remote broker's certificate must name the address the bridge connected to.
 * @c lib/tls_mosq.c mosquitto__server_certificate_verify
 * @adapted Node's checkServerIdentity does the hostname match (C: X509_check_host-like code);
 *   Node calls this only after the chain verified, which is C's preverify_ok
 */
function mosquitto__server_certificate_verify(mosq: mosquitto, host: string, cert: PeerCertificate): Error | undefined {
  if (mosq.bridge && mosq.bridge.tls_insecure === false) {
    const err = checkServerIdentity(host, cert);
    if (err) {
      log__printf(mosq, MOSQ_LOG_ERR, 'Error: host name verification failed.');
    }
    return err;
  }
  return undefined;
}

/**
 * Puts TLS on a freshly started connection when the bridge uses it: builds the context, then
 * starts the handshake with SNI set to the host (not for an IP address, which SNI may not carry).
 * @adapted a TLSSocket wrapped around the TCP socket replaces SSL_new/BIO_new_socket/SSL_set_bio
 */
export function net__socket_connect_step3(mosq: mosquitto, host: string): number {
  const { rc, ssl_ctx } = net__init_ssl_ctx(mosq);
  if (rc) {
    net__socket_close(mosq);
    return rc;
  }

  if (ssl_ctx) {
    const options: ConnectionOptions = {
      socket: mosq.sock as Socket,
      host,
      servername: isIP(host) ? undefined : host,
      secureContext: ssl_ctx.context!,
      rejectUnauthorized: ssl_ctx.verify_peer,
      checkServerIdentity: (hostname, cert) => mosquitto__server_certificate_verify(mosq, hostname, cert),
      ALPNProtocols: mosq.bridge!.tls_alpn ? [mosq.bridge!.tls_alpn] : undefined,
      pskCallback: ssl_ctx.psk ? (hint) => psk_client_callback(mosq, hint) : undefined,
    };
    if (net__socket_connect_tls(mosq, options)) {
      net__socket_close(mosq);
      return MOSQ_ERR_TLS;
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Opens the client's connection to host:port (with TCP_NODELAY when asked, and TLS when the
 * bridge uses it); MOSQ_ERR_CONN_PENDING while it is being made.
 * @adapted see net__try_connect_tcp: under Node the connection is always still pending here
 */
export function net__socket_connect(mosq: mosquitto, host: string | null, port: number, bind_address: string | null,
    blocking: boolean): number {
  if (!mosq || !host) return MOSQ_ERR_INVAL;

  const { rc, sock } = net__try_connect(host, port, bind_address, blocking);
  if (rc > 0) return rc;
  mosq.sock = sock;

  if (mosq.tcp_nodelay) {
    (sock as Socket).setNoDelay(true);
  }

  const rc2 = net__socket_connect_step3(mosq, host);
  if (rc2) return rc2;

  return rc;
}

/**
 * Handles a failed TLS read or write: the OpenSSL errors are logged and errno becomes EPROTO.
 * @adapted called for the TLSSocket's `error` event; Node retries the WANT_READ/WANT_WRITE cases
 *   itself, so only the failure branch remains
 */
export function net__handle_ssl(mosq: mosquitto, err: unknown): number {
  net__print_ssl_error(mosq, err);
  net__errno.text = 'Protocol error';
  return -1;
}

/**
 * Returns the next byte of the chunk being read, or -1 when it is used up (EAGAIN).
 * @adapted reads from the last `data` chunk instead of calling read(2) for one byte
 */
export function net__read(mosq: mosquitto): number {
  const chunk = mosq.in_chunk;
  if (!chunk || mosq.in_chunk_pos >= chunk.length) return -1;
  return chunk[mosq.in_chunk_pos++];
}

/**
 * How many bytes of the current chunk are still unread.
 * @tsonly Node hands over whole chunks; packet__read asks how much is there before taking it
 */
export function net__read_available(mosq: mosquitto): number {
  const chunk = mosq.in_chunk;
  return chunk ? chunk.length - mosq.in_chunk_pos : 0;
}

/**
 * Takes `count` unread bytes of the current chunk as a view, without copying.
 * @tsonly the zero-copy counterpart of read(2) into a buffer; the caller checked the count
 */
export function net__read_view(mosq: mosquitto, count: number): Buffer {
  const start = mosq.in_chunk_pos;
  mosq.in_chunk_pos += count;
  return mosq.in_chunk!.subarray(start, start + count);
}

/**
 * Sends what was corked during this tick.
 * @tsonly the other half of net__write's batching
 */
function uncork(sock: Duplex): void {
  sock.uncork();
}

/**
 * Sends what the client's socket has corked so far in this tick, ahead of the other sockets.
 * @tsonly called when a client's chunk has been handled: its acknowledgements then leave before
 *   the copies queued for subscribers, so a publisher waiting for PUBACKs does not wait behind
 *   their sends
 */
export function net__flush(mosq: mosquitto): void {
  const sock = mosq.sock;
  if (sock && sock.writableCorked) sock.uncork();
}

/**
 * Writes bytes to the client's socket and returns how many were taken, 0 when the socket cannot
 * take more now (C's EAGAIN), or -1 when the socket is gone.
 * @adapted packets written in the same tick are corked together and leave in one send; Node
 *   buffers whatever it is given, so "full" is Node's own verdict (a write past its high water
 *   mark), after which nothing more is taken until the socket's `drain`
 */
export function net__write(mosq: mosquitto, buf: Buffer, pos: number, count: number): number {
  const sock = mosq.sock;
  if (!sock || sock.destroyed) return -1;
  if (sock.writableNeedDrain) return 0;
  if (!sock.writableCorked) {
    sock.cork();
    process.nextTick(uncork, sock);
  }
  sock.write(pos === 0 && count === buf.length ? buf : buf.subarray(pos, pos + count));
  return count;
}
