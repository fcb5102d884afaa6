/**
 * The broker's network layer of src/net.c: opening listeners and accepting connections.
 * (TLS contexts, net__tls_*, arrive with the TLS work and are listed as omitted until then.)
 * @module
 */
import { createServer, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Server, Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { MOSQ_ERR_INVAL, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR, MOSQ_LOG_INFO, MOSQ_LOG_NOTICE, MOSQ_LOG_WARNING } from '../include/mosquitto.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { strerror } from '../lib/misc_mosq.js';
import { context__cleanup, context__init } from './context.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';
import type { mosquitto__listener, mosquitto__listener_sock } from './mosquitto_broker_internal.js';
import { g } from './sys_tree.js';

/**
 * Network set-up before listeners open.
 * @adapted no spare descriptor or OpenSSL initialisation is needed under Node
 */
export function net__broker_init(): void {
  /* Node needs no global socket set-up. */
}

/**
 * Network tear-down at exit.
 * @adapted nothing global to release under Node
 */
export function net__broker_cleanup(): void {
  /* Node needs no global socket tear-down. */
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

  if (db.config!.connection_messages) {
    log__printf(null, MOSQ_LOG_NOTICE,
      `New connection from ${new_context.address}:${new_context.remote_port} on port ${new_context.listener.port}.`);
  }
  return new_context;
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
 * Opens one TCP server per address the listener's host resolves to, IPv4 and IPv6 alike, as
 * getaddrinfo with AI_PASSIVE does in C. With `bind_interface`, each socket binds to that
 * interface's address of its family; at least one must.
 * @adapted dns.lookup and server.listen are asynchronous, so this returns a promise
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
    const server = createServer({ allowHalfOpen: false, pauseOnConnect: false });
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
 */
function listen(server: Server, host: string, family: number, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException): void => resolve(err);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: family === 6, backlog: 100, exclusive: true }, () => {
      server.off('error', onError);
      resolve(null);
    });
  });
}

/**
 * The gai_strerror(3) text for a failed lookup.
 * @tsonly Node reports lookup failures by errno name, not glibc's wording
 */
function gai_strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOTFOUND') return 'Name or service not known';
  if (code === 'EAI_AGAIN') return 'Temporary failure in name resolution';
  return String((err as Error).message);
}

/**
 * Opens a listener's sockets; fails unless at least one socket is listening.
 * @adapted asynchronous, like net__socket_listen_tcp
 */
export async function net__socket_listen(listener: mosquitto__listener): Promise<number> {
  if (!listener) return MOSQ_ERR_INVAL;
  const rc = await net__socket_listen_tcp(listener);
  if (rc) return rc;
  /* At least one socket must be listening. */
  return listener.sock_count > 0 ? 0 : 1;
}

/**
 * The peer's address and port of a connected socket, or null if it is already gone.
 * @adapted returns both values instead of filling a buffer and an out-parameter
 */
export function net__socket_get_address(sock: Socket): { address: string; remote_port: number } | null {
  const address = sock.remoteAddress;
  if (!address) return null;
  return { address, remote_port: sock.remotePort ?? 0 };
}
