/**
 * The event multiplexer of src/mux.c (with the per-connection handling of src/mux_epoll.c).
 *
 * mosquitto asks epoll which sockets are ready and then reads or writes them. libuv does the
 * polling for Node, so here "registering a socket" means attaching event listeners: a listening
 * server's `connection` event is the listening socket becoming readable, a client's `data` event
 * is EPOLLIN with the bytes already read, and `close`/`error` are EPOLLHUP/EPOLLERR.
 * @module
 */
import type { Socket } from 'node:net';
import { MOSQ_ERR_CONN_LOST, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { net__flush, net__read_available } from '../lib/net_mosq.js';
import { packet__read, packet__write } from '../lib/packet_mosq.js';
import { do_disconnect, loop__update_time, loop__wakeup, loop__wakeup_after_events } from './loop.js';
import type { mosquitto__listener_sock } from './mosquitto_broker_internal.js';
import { net__socket_accept } from './net.js';
import { callback_mqtt_receive } from './websockets.js';

/**
 * Starts accepting connections on every listening socket.
 * @adapted a `connection` listener per server replaces registering the fd with epoll
 */
export function mux__init(listensock: mosquitto__listener_sock[]): number {
  for (const ls of listensock) {
    ls.sock.on('connection', (sock: Socket) => {
      setImmediate(mux__accept_after_next_poll, ls, sock);
    });
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Waits for one more poll of the event loop before accepting a connection, so that a signal sent
 * before the client connected (a SIGHUP reload, say) is acted on first, as in C, where the flag
 * is checked right after the epoll batch that held the new connection. libuv hands a signal to
 * JavaScript only at the end of a poll batch, and a signal that came while epoll_wait was
 * returning only in the batch after it.
 * @tsonly libuv's signal delivery is later than the C loop's; see notes/DIVERGENCES.md
 */
function mux__accept_after_next_poll(ls: mosquitto__listener_sock, sock: Socket): void {
  setImmediate(mux__accept, ls, sock);
}

/**
 * Accepts a connection that arrived on a listening socket and starts watching it, then runs a
 * main loop pass straight away. In C the pass follows the batch that held the new connection and
 * the CONNECT is read in a later batch, so a session that has just run out is expired before its
 * client's CONNECT is seen. Node hands over bytes that came with the connection on the next tick,
 * before any setImmediate, so the pass cannot wait.
 * @tsonly the listening-socket half of the C epoll loop, run one event-loop turn late (see
 *   mux__accept_after_next_poll)
 */
function mux__accept(ls: mosquitto__listener_sock, sock: Socket): void {
  loop__update_time();
  const context = net__socket_accept(ls, sock);
  if (context) {
    mux__add_in(context);
  }
  loop__wakeup();
}

/**
 * Starts watching a client's socket for incoming data, for room to write again, and for it
 * closing.
 * @adapted event listeners replace EPOLLIN registration; `drain` (the socket took all it had
 *   buffered after refusing more) stands in for EPOLLOUT, which C registers with mux__add_out
 */
export function mux__add_in(context: mosquitto): number {
  const sock = context.sock!;
  sock.on('data', (chunk: Buffer) => {
    if (context.sock !== sock) return;
    loop__update_time();
    loop_handle_reads_writes(context, chunk);
    loop__wakeup_after_events();
  });
  sock.on('drain', () => {
    if (context.sock !== sock) return;
    loop__update_time();
    loop_handle_writes(context);
    loop__wakeup_after_events();
  });
  sock.on('close', () => {
    if (context.sock !== sock) return;
    loop__update_time();
    do_disconnect(context, MOSQ_ERR_CONN_LOST);
    loop__wakeup_after_events();
  });
  sock.on('error', () => {
    /* `close` follows every error and does the disconnecting. */
  });
  return MOSQ_ERR_SUCCESS;
}

/**
 * Stops watching a client's socket.
 * @adapted removing listeners replaces EPOLL_CTL_DEL
 */
export function mux__delete(context: mosquitto): number {
  const sock = context.sock;
  if (sock) {
    sock.removeAllListeners('data');
    sock.on('error', () => { /* the context is gone; late errors are not its concern */ });
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Stops accepting connections.
 * @adapted closes the servers; C closes the epoll fd and main closes the sockets
 */
export function mux__cleanup(listensock: mosquitto__listener_sock[]): number {
  for (const ls of listensock) {
    ls.sock.removeAllListeners('connection');
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes the packets that waited for the socket to drain, disconnecting the client on error.
 * @c src/mux_epoll.c loop_handle_reads_writes
 * @adapted the EPOLLOUT half of the C function, run on the socket's `drain`
 */
function loop_handle_writes(context: mosquitto): void {
  if (!context.sock) {
    return;
  }
  const rc = packet__write(context);
  if (rc) {
    do_disconnect(context, rc);
  }
}

/**
 * Reads every complete packet out of a chunk that arrived for this client, disconnecting it on
 * the first error.
 * @c src/mux_epoll.c loop_handle_reads_writes
 * @adapted Node pushes the chunk in; packet__read is run until the chunk is used up, as epoll's
 *   level triggering would call it again while bytes remain. A websockets client's chunk (one
 *   WebSocket message) goes to callback_mqtt_receive (C's callback_mqtt, reached through
 *   lws_service_fd). The EPOLLOUT half with packet__write is loop_handle_writes, and a bridge
 *   leaves mosq_cs_connect_pending (mosquitto__set_state) in bridge__add_out
 */
function loop_handle_reads_writes(context: mosquitto, chunk: Buffer): void {
  if (!context.sock) {
    return;
  }
  if (context.wsi) {
    callback_mqtt_receive(context, chunk);
    return;
  }
  context.in_chunk = chunk;
  context.in_chunk_pos = 0;
  do {
    const rc = packet__read(context);
    if (rc) {
      context.in_chunk = null;
      do_disconnect(context, rc);
      return;
    }
  } while (context.sock && net__read_available(context) > 0);
  context.in_chunk = null;
  net__flush(context);
}
