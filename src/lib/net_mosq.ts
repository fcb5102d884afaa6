/**
 * Socket reads, writes and closing of lib/net_mosq.c, for the broker's side of a connection.
 *
 * Node delivers incoming bytes as chunks in `data` events instead of letting the broker call
 * read(2). The mux stores the chunk on the context (`in_chunk`) and runs packet__read, which pulls
 * bytes from it through net__read; an exhausted chunk is this port's EAGAIN.
 * @module
 */
import type { Duplex } from 'node:stream';
import { log__printf } from '../broker/logging.js';
import { db } from '../broker/mosquitto_broker_internal.js';
import { ERR_get_errors } from '../deps/openssl.js';
import { MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR } from '../include/mosquitto.js';
import type { mosquitto } from './mosquitto_internal.js';

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
