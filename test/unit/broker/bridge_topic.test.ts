/**
 * Tests for src/broker/bridge_topic.ts: the checks on a bridge `topic` line and the remapping
 * of incoming topics between the remote and the local prefix.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto__bridge } from '../../../src/broker/mosquitto_broker_internal.js';

const logs: string[] = [];
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logs.push(msg); return 0; },
}));

const { bridge__add_topic, bridge__remap_topic_in } = await import('../../../src/broker/bridge_topic.js');

function bridge(): mosquitto__bridge {
  return { topics: [], topic_count: 0, topic_remapping: false } as unknown as mosquitto__bridge;
}

beforeEach(() => {
  logs.length = 0;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bridge__add_topic', () => {
  it('stores the pattern, its prefixed forms and turns remapping on', () => {
    const b = bridge();
    expect(bridge__add_topic(b, 'sensors/#', 1, 1, 'local/', 'remote/')).toBe(0);
    expect(bridge__add_topic(b, 'plain', 0, 0, null, null)).toBe(0);
    expect(b.topic_count).toBe(2);
    expect(b.topic_remapping).toBe(true);
    expect(b.topics[0]).toMatchObject({ local_topic: 'local/sensors/#', remote_topic: 'remote/sensors/#' });
    expect(b.topics[1]).toMatchObject({ topic: 'plain', local_topic: 'plain', remote_topic: 'plain', local_prefix: null });
  });

  it('refuses what mosquitto refuses, with its messages', () => {
    const b = bridge();
    expect(bridge__add_topic(null, 'a', 0, 0, null, null)).toBe(3);
    expect(bridge__add_topic(b, 'a', 3, 0, null, null)).toBe(3);
    expect(bridge__add_topic(b, 'a', 0, 3, null, null)).toBe(3);
    expect(bridge__add_topic(b, 'a', 0, 0, 'a/+', null)).toBe(3);
    expect(bridge__add_topic(b, 'a', 0, 0, null, 'b/#')).toBe(3);
    expect(bridge__add_topic(b, '""', 0, 0, 'a/', null)).toBe(3);
    expect(bridge__add_topic(b, '#', 0, 0, 'a', 'b/')).toBe(1);
    expect(logs).toEqual([
      "Error: Invalid bridge topic local prefix 'a/+'.",
      "Error: Invalid bridge topic remote prefix 'b/#'.",
      'Error: Invalid bridge remapping.',
      "Error: Invalid bridge topic local prefix and pattern combination 'a#'.",
      'Error: Out of memory.',
    ]);
  });
});

describe('bridge__remap_topic_in', () => {
  it('swaps the remote prefix for the local one on the first matching in/both pattern', () => {
    const b = bridge();
    bridge__add_topic(b, 'cmd/#', 0, 0, 'out-local/', 'out-remote/');
    bridge__add_topic(b, 'sensors/#', 1, 0, 'local/', 'remote/');
    bridge__add_topic(b, '""', 2, 0, 'l/', 'r/');
    const ctx = { bridge: b } as unknown as mosquitto;
    expect(bridge__remap_topic_in(ctx, 'remote/sensors/t')).toEqual({ rc: 0, topic: 'local/sensors/t' });
    expect(bridge__remap_topic_in(ctx, 'r/')).toEqual({ rc: 0, topic: 'l/' });
    /* An `out` pattern does not remap incoming messages. */
    expect(bridge__remap_topic_in(ctx, 'out-remote/cmd/x')).toEqual({ rc: 0, topic: 'out-remote/cmd/x' });
    expect(bridge__remap_topic_in({ bridge: null } as unknown as mosquitto, 'a')).toEqual({ rc: 0, topic: 'a' });
  });
});
