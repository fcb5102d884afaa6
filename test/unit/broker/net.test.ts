/* net__socket_accept: what it does to each accepted socket (set_tcp_nodelay, max_connections). */
import type { Server, Socket } from 'node:net';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { net__socket_accept } from '../../../src/broker/net.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import { make_listener, reset_db } from '../helpers/context.js';

vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

/** An accepted socket as far as net__socket_accept looks at it, recording setNoDelay calls. */
function accepted(): Socket & { nodelay: boolean[]; ended: boolean } {
  const s = {
    remoteAddress: '127.0.0.1',
    remotePort: 40000,
    nodelay: [] as boolean[],
    ended: false,
    setNoDelay(v = true) { s.nodelay.push(v); return s; },
    end(cb?: () => void) { s.ended = true; if (cb) cb(); return s; },
    destroy() { s.ended = true; return s; },
  };
  return s as unknown as Socket & { nodelay: boolean[]; ended: boolean };
}

beforeEach(() => {
  reset_db();
});

describe('set_tcp_nodelay', () => {
  it('true: every accepted socket gets TCP_NODELAY', () => {
    db.config!.set_tcp_nodelay = true;
    const ls = { listener: make_listener(), sock: null as unknown as Server };
    const sock = accepted();
    expect(net__socket_accept(ls, sock)).not.toBeNull();
    expect(sock.nodelay).toEqual([true]);
  });

  it('false (default): the socket is left as the system made it', () => {
    const ls = { listener: make_listener(), sock: null as unknown as Server };
    const sock = accepted();
    expect(net__socket_accept(ls, sock)).not.toBeNull();
    expect(sock.nodelay).toEqual([]);
  });
});

describe('max_connections', () => {
  it('the connection that takes the count past the limit is closed at once', () => {
    const ls = { listener: make_listener({ max_connections: 2 }), sock: null as unknown as Server };
    const socks = [accepted(), accepted(), accepted()];
    expect(net__socket_accept(ls, socks[0])).not.toBeNull();
    expect(net__socket_accept(ls, socks[1])).not.toBeNull();
    expect(net__socket_accept(ls, socks[2])).toBeNull();
    expect(socks.map((s) => s.ended)).toEqual([false, false, true]);
    /* The refused connection gives its count back. */
    expect(ls.listener.client_count).toBe(2);
  });
});
