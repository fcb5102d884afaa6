import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import { make_context, reset_db } from '../helpers/context.js';

const calls = vi.hoisted(() => ({ sent: [] as (string | null)[], disused: [] as (string | null)[] }));

vi.mock('../../../src/broker/context.js', () => ({
  context__send_will: (c: mosquitto) => { calls.sent.push(c.id); },
  context__add_to_disused: (c: mosquitto) => { calls.disused.push(c.id); },
}));

const { will_delay__add, will_delay__check, will_delay__remove, will_delay__send_all } = await import('../../../src/broker/will_delay.js');

beforeEach(() => {
  reset_db();
  calls.sent = [];
  calls.disused = [];
  /* The module keeps its list between tests: empty it. */
  will_delay__send_all();
  calls.sent = [];
});

function client(id: string, delay: number, session_expiry = 0): mosquitto {
  return make_context(id, { online: false, will_delay_interval: delay, session_expiry_interval: session_expiry });
}

describe('will delay', () => {
  it('sends each will once its delay has passed, shortest delay first', () => {
    db.now_real_s = 5000;
    const a = client('a', 30);
    const b = client('b', 10, 60);
    const c = client('c', 20);
    for (const ctx of [a, b, c]) expect(will_delay__add(ctx)).toBe(0);
    expect(will_delay__add(a)).toBe(0); /* already waiting: unchanged */
    expect([a.will_delay_time, b.will_delay_time]).toEqual([5030, 5010]);

    db.now_real_s = 5010;
    will_delay__check();
    expect(calls.sent).toEqual([]);

    db.now_real_s = 5021;
    will_delay__check();
    expect(calls.sent).toEqual(['b', 'c']);
    /* b keeps its session; c's ends with the will. */
    expect(calls.disused).toEqual(['c']);
    expect([b.will_delay_interval, b.will_delay_entry]).toEqual([0, null]);

    /* Checked at most once per second. */
    db.now_real_s = 5021;
    a.will_delay_time = 0;
    will_delay__check();
    expect(calls.sent).toEqual(['b', 'c']);
    db.now_real_s = 5040;
    will_delay__check();
    expect(calls.sent).toEqual(['b', 'c', 'a']);
  });

  it('forgets a client that reconnects, and sends the rest at shutdown', () => {
    db.now_real_s = 9000;
    const a = client('a', 10);
    const b = client('b', 10);
    will_delay__add(a);
    will_delay__add(b);
    will_delay__remove(a);
    expect(a.will_delay_entry).toBeNull();
    will_delay__remove(a);

    will_delay__send_all();
    expect(calls.sent).toEqual(['b']);
    expect(b.will_delay_interval).toBe(0);
    db.now_real_s = 9100;
    will_delay__check();
    expect(calls.sent).toEqual(['b']);
  });
});
