/**
 * MQTT over WebSockets and the small static file server of src/websockets.c
 * (`protocol websockets`, `http_dir`).
 *
 * mosquitto hands this to libwebsockets, which calls one callback per protocol with a reason
 * code. The port uses Node's http/https server with the `ws` package: an HTTP request is served
 * from http_dir, an upgrade to the `mqtt` (or `mqttv3.1`) subprotocol becomes a client context.
 * The WebSocket is wrapped in a duplex stream (ws's createWebSocketStream), so the rest of the
 * broker reads and writes it like a TCP socket: binary messages arrive as `data` chunks for
 * packet__read, each packet written leaves as one binary message.
 * @module
 */
import { closeSync, fstatSync, openSync, readFileSync, realpathSync, createReadStream } from 'node:fs';
import { createServer as http_createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as https_createServer } from 'node:https';
import type { Socket } from 'node:net';
import { posix } from 'node:path';
import { TLSSocket } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { SSL_CTX_new } from '../deps/openssl.js';
import { MOSQ_ERR_CONN_LOST, MOSQ_LOG_DEBUG, MOSQ_LOG_ERR, MOSQ_LOG_INFO, MOSQ_LOG_NOTICE } from '../include/mosquitto.js';
import { mosq_cs_disconnect_ws, mosq_cs_disconnecting } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { net__flush, net__read_available } from '../lib/net_mosq.js';
import { packet__read } from '../lib/packet_mosq.js';
import { mosquitto__set_state } from '../lib/util_mosq.js';
import { context__init } from './context.js';
import { log__printf } from './logging.js';
import { do_disconnect, loop__update_time, loop__wakeup_after_events } from './loop.js';
import { db } from './mosquitto_broker_internal.js';
import type { mosquitto__config, mosquitto__listener } from './mosquitto_broker_internal.js';
import { mux__add_in, mux__delete } from './mux.js';
import { net__socket_get_address } from './net.js';

/** The subprotocols that carry MQTT, in the order of mosquitto's protocol table. */
const MQTT_PROTOCOLS = ['mqtt', 'mqttv3.1'];

/** The reason phrases of the statuses lws_return_http_status sends here. */
const HTTP_STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  414: 'URI Too Long',
  500: 'Internal Server Error',
};

/**
 * Fills in a websocket client's address and port from its TCP connection.
 * @adapted takes the connection's socket instead of a file descriptor
 */
function easy_address(sock: Socket, mosq: mosquitto): void {
  const peer = net__socket_get_address(sock);
  if (peer) {
    mosq.address = peer.address;
    mosq.remote_port = peer.remote_port;
  }
}

/**
 * A WebSocket with an MQTT subprotocol is established: it becomes a client context whose socket
 * is the duplex stream over the WebSocket; when the WebSocket closes, the client is disconnected.
 * @adapted libwebsockets calls this with a reason code (ESTABLISHED, RECEIVE, SERVER_WRITEABLE,
 *   CLOSED); with `ws`, ESTABLISHED is this call and CLOSED its `close` event, while RECEIVE and
 *   SERVER_WRITEABLE are the duplex stream's reads and writes through mux.ts and net_mosq.ts, so
 *   incoming packets go through packet__read as TCP ones do
 */
function callback_mqtt(listener: mosquitto__listener, ws: WebSocket, req: IncomingMessage): void {
  const mosq = context__init(null);
  if (!mosq) {
    ws.terminate();
    return;
  }
  mosq.listener = listener;
  if (req.socket instanceof TLSSocket) {
    mosq.ssl = req.socket;
    if (!listener.ssl_ctx) {
      listener.ssl_ctx = SSL_CTX_new();
    }
  }
  easy_address(req.socket, mosq);
  if (!mosq.address) {
    /* The peer is already gone. */
    ws.terminate();
    return;
  }
  /* As in mosquitto 2.0.11, websockets clients are not added to client_count here. */
  if (listener.max_connections > 0 && listener.client_count > listener.max_connections) {
    if (db.config!.connection_messages) {
      log__printf(null, MOSQ_LOG_NOTICE, `Client connection from ${mosq.address} denied: max_connections exceeded.`);
    }
    ws.terminate();
    return;
  }
  mosq.wsi = ws;
  tcp_of.set(ws, req.socket as Socket);
  mosq.sock = createWebSocketStream(ws);
  db.contexts_by_sock.add(mosq);
  mux__add_in(mosq);

  ws.on('close', () => {
    loop__update_time();
    if (mosq.sock) {
      db.contexts_by_sock.delete(mosq);
      mux__delete(mosq);
      mosq.sock = null;
    }
    mosq.wsi = null;
    mosq.ssl = null;
    do_disconnect(mosq, MOSQ_ERR_CONN_LOST);
    loop__wakeup_after_events();
  });
}

/** The TCP connection under each client's WebSocket. */
const tcp_of = new WeakMap<WebSocket, Socket>();

/**
 * Closes a websockets client's connection once what was written to it has gone out, the way
 * libwebsockets closes when a callback asks it to: the TCP connection ends with no WebSocket
 * close frame, so the client sees code 1006.
 * @tsonly lws_callback_on_writable, then the writable callback answering -1 because of the state
 */
export function lws_close_when_sent(mosq: mosquitto): void {
  const stream = mosq.sock;
  const tcp = mosq.wsi ? tcp_of.get(mosq.wsi) : undefined;
  if (!stream || !tcp) return;
  net__flush(mosq);
  const close = (): void => {
    if (stream.destroyed || tcp.destroyed) return;
    if (stream.writableLength === 0) {
      tcp.end();
    } else if (tcp.writableNeedDrain) {
      /* A client that does not read: wait for it, without polling. */
      tcp.once('drain', close);
    } else {
      /* A packet is still on its way through the WebSocket and completes within a few turns. */
      setTimeout(close, 5);
    }
  };
  close();
}

/**
 * Reads the MQTT packets out of one WebSocket message from a client. A packet that fails while an
 * answer is still waiting to be sent does not stop the reading: the client is marked
 * mosq_cs_disconnect_ws and the rest of the message is read (each further packet fails too, the
 * client being no longer active), and the connection closes once the answers are out. Any other
 * failure closes it at once.
 * @c src/websockets.c callback_mqtt
 * @adapted the LWS_CALLBACK_RECEIVE case; the other cases are callback_mqtt (ESTABLISHED:
 *   context__init, easy_address, mux__add_in, log__printf), its `close` handler (CLOSED:
 *   mux__delete) and the stream's own writing in net_mosq.ts (SERVER_WRITEABLE, whose
 *   db__message_write_inflight_out_latest and db__message_write_queued_out calls also run where
 *   messages are queued and acknowledged, so they are not repeated). The framing, with
 *   handle__packet, packet__cleanup and keepalive__update, is packet__read's, which cleans the
 *   packet up only once it was handled; "an answer waits" is what was written to the stream in
 *   this turn, corked until net__flush
 */
export function callback_mqtt_receive(mosq: mosquitto, chunk: Buffer): void {
  mosq.in_chunk = chunk;
  mosq.in_chunk_pos = 0;
  do {
    const rc = packet__read(mosq);
    if (rc) {
      const handled = mosq.in_packet.command === 0;
      if (handled && mosq.sock && mosq.sock.writableLength > 0) {
        if (mosq.state !== mosq_cs_disconnecting) {
          mosquitto__set_state(mosq, mosq_cs_disconnect_ws);
        }
        continue;
      }
      mosq.in_chunk = null;
      do_disconnect(mosq, MOSQ_ERR_CONN_LOST);
      return;
    }
  } while (mosq.sock && net__read_available(mosq) > 0);
  mosq.in_chunk = null;
  if (mosq.state === mosq_cs_disconnect_ws) {
    do_disconnect(mosq, MOSQ_ERR_CONN_LOST);
    return;
  }
  net__flush(mosq);
}

/**
 * Sends an error status the way libwebsockets' lws_return_http_status does, then closes.
 * @tsonly the libwebsockets function mosquitto calls for its HTTP errors
 */
function lws_return_http_status(sock: Socket, code: number): void {
  const body = '<html><head><meta charset=utf-8 http-equiv="Content-Language" content="en"/>'
    + `<link rel="stylesheet" type="text/css" href="/error.css"/></head><body><h1>${code}</h1></body></html>`;
  sock.end(`HTTP/1.1 ${code} ${HTTP_STATUS_TEXT[code]}\r\ncontent-type: text/html\r\n`
    + `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * The real path of the file a request names inside http_dir (index.html for a directory URL),
 * or null after answering with the fitting error (404 missing, 403 outside http_dir or not
 * readable, 414 too long, 500 otherwise).
 * @adapted takes the connection's socket for the reply; realpathSync replaces realpath(3)
 */
function http__canonical_filename(sock: Socket, uri: string, http_dir: string): string | null {
  const filename = uri.endsWith('/') ? `${http_dir}${uri}index.html` : `${http_dir}${uri}`;

  let filename_canonical: string;
  try {
    filename_canonical = realpathSync(filename);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') {
      lws_return_http_status(sock, 403);
    } else if (code === 'ENAMETOOLONG') {
      lws_return_http_status(sock, 414);
    } else if (code === 'ENOENT' || code === 'ENOTDIR') {
      lws_return_http_status(sock, 404);
    } else {
      lws_return_http_status(sock, 500);
    }
    return null;
  }
  if (!filename_canonical.startsWith(http_dir)) {
    /* Outside http_dir: refused. */
    lws_return_http_status(sock, 403);
    return null;
  }
  return filename_canonical;
}

/**
 * Serves a plain HTTP request from http_dir: GET of a regular file answers 200 with the file, a
 * directory a 302 to the same path with a slash, anything else an error status; POST is refused.
 * @adapted Node's http server parses the request; the answers are written to the socket as
 *   mosquitto and libwebsockets write them (mosquitto writes its own HTTP/1.0 headers), and the
 *   connection closes after each answer. The URI is decoded and its dot segments resolved first,
 *   as libwebsockets does before calling back.
 */
function callback_http(http_dir: string | null, req: IncomingMessage, res: ServerResponse): void {
  const sock = req.socket;
  res.detachSocket(sock);

  if (!http_dir) {
    /* HTTP is off: the connection is closed without an answer. */
    sock.destroy();
    return;
  }
  if (req.method === 'POST') {
    lws_return_http_status(sock, 405);
    return;
  }

  let uri: string;
  try {
    uri = posix.normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
  } catch {
    lws_return_http_status(sock, 404);
    return;
  }
  const filename_canonical = http__canonical_filename(sock, uri, http_dir);
  if (!filename_canonical) return;

  let fd: number;
  try {
    fd = openSync(filename_canonical, 'r');
  } catch {
    lws_return_http_status(sock, 404);
    return;
  }
  let filestat;
  try {
    filestat = fstatSync(fd);
  } catch {
    closeSync(fd);
    lws_return_http_status(sock, 500);
    return;
  }
  if (filestat.isDirectory()) {
    closeSync(fd);
    sock.end(`HTTP/1.0 302 OK\r\nLocation: ${uri}/\r\n\r\n`);
    return;
  }
  if (!filestat.isFile()) {
    closeSync(fd);
    lws_return_http_status(sock, 403);
    return;
  }

  log__printf(null, MOSQ_LOG_DEBUG, `http serving file "${filename_canonical}".`);
  sock.write(`HTTP/1.0 200 OK\r\nServer: mosquitto\r\nContent-Length: ${filestat.size}\r\n\r\n`);
  createReadStream('', { fd }).pipe(sock);
}

/**
 * Picks the MQTT subprotocol a client offers, as libwebsockets matches the offered names against
 * mosquitto's protocol table; false when it offers none of them.
 * @tsonly the `ws` package's handleProtocols hook
 */
function ws_select_protocol(protocols: Set<string>): string | false {
  for (const p of protocols) {
    if (MQTT_PROTOCOLS.includes(p)) return p;
  }
  return false;
}

/**
 * Opens a websockets listener: an HTTP (or, with certfile and keyfile, HTTPS) server on the
 * listener's port that upgrades MQTT subprotocols to client connections and serves http_dir.
 * On failure `listener.ws_context` stays null.
 * @adapted asynchronous, because opening a socket is; no libwebsockets log (websockets_log_level)
 *   since `ws` has none. Without a host it listens on all IPv6 and IPv4 addresses as
 *   libwebsockets does, IPv4 only with socket_domain ipv4.
 */
export async function mosq_websockets_init(listener: mosquitto__listener, conf: mosquitto__config): Promise<void> {
  let http_dir: string | null = null;
  if (listener.http_dir) {
    try {
      http_dir = realpathSync(listener.http_dir);
    } catch {
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to open http dir "${listener.http_dir}".`);
      return;
    }
  }

  log__printf(null, MOSQ_LOG_INFO, `Opening websockets listen socket on port ${listener.port}.`);

  let server: HttpServer;
  const http_options = conf.websockets_headers_size > 0 ? { maxHeaderSize: conf.websockets_headers_size } : {};
  try {
    if (listener.certfile && listener.keyfile) {
      server = https_createServer({
        ...http_options,
        cert: readFileSync(listener.certfile),
        key: readFileSync(listener.keyfile),
        ca: listener.cafile ? readFileSync(listener.cafile) : undefined,
        ciphers: listener.ciphers ?? undefined,
        requestCert: listener.require_certificate,
        rejectUnauthorized: listener.require_certificate,
      });
    } else {
      server = http_createServer(http_options);
    }
  } catch {
    return;
  }

  const wss = new WebSocketServer({ noServer: true, handleProtocols: ws_select_protocol });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const offered = req.headers['sec-websocket-protocol'];
    if (offered !== undefined && !ws_select_protocol(new Set(offered.split(',').map((p) => p.trim())))) {
      /* libwebsockets drops a handshake that offers only subprotocols it does not have. */
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!ws.protocol) {
        /* Offered no subprotocol, the connection gets libwebsockets' first one, the HTTP handler,
         * which ignores what arrives: it stays open, and nothing on it speaks MQTT. */
        ws.on('error', () => { /* a bad frame closes it; there is nothing else to do */ });
        return;
      }
      loop__update_time();
      callback_mqtt(listener, ws, req);
      loop__wakeup_after_events();
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => callback_http(http_dir, req, res));
  server.on('clientError', (_err, socket: Socket) => socket.destroy());

  const host = listener.host ?? (listener.socket_domain === 4 ? '0.0.0.0' : '::');
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ host, port: listener.port, backlog: 100 }, () => resolve(true));
  });
  if (!ok) return;

  listener.socks = [server];
  listener.sock_count = 1;
  listener.ws_context = wss;
}
