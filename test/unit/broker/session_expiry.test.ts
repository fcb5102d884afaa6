import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_LOG_NOTICE } from '../../../src/include/mosquitto.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import { g } from '../../../src/broker/sys_tree.js';
import { make_context, reset_db } from '../helpers/context.js';

const calls = vi.hoisted(() => ({
  events: [] as string[],
  logs: [] as { priority: number; msg: string }[],
}));

vi.mock('../../../src/broker/context.js', () => ({
  context__send_will: (c: mosquitto) => { calls.events.push(`will ${c.id}`); },
  context__add_to_disused: (c: mosquitto) => { calls.events.push(`disused ${c.id}`); },
  context__disconnect: (c: mosquitto) => { calls.events.push(`disconnect ${c.id}`); },
}));
vi.mock('../../../src/broker/sys_tree.js', () => ({ g: { g_clients_expired: 0 } }));
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, priority: number, msg: string) => { calls.logs.push({ priority, msg }); return 0; },
}));

const { session_expiry__add, session_expiry__check, session_expiry__remove, session_expiry__remove_all } =
  await import('../../../src/broker/session_expiry.js');
const { will_delay__add } = await import('../../../src/broker/will_delay.js');

beforeEach(() => {
  reset_db();
  session_expiry__remove_all();
  calls.events = [];
  calls.logs = [];
  g.g_clients_expired = 0;
});

function client(id: string, interval: number): mosquitto {
  return make_context(id, { online: false, clean_start: false, session_expiry_interval: interval });
}

describe('session expiry', () => {
  it('expires sessions in time order, sending the will straight away', () => {
    db.now_real_s = 1000;
    const a = client('a', 100);
    const b = client('b', 50);
    const c = client('c', 200);
    for (const ctx of [a, b, c]) expect(session_expiry__add(ctx)).toBe(0);
    expect([a.session_expiry_time, b.session_expiry_time, c.session_expiry_time]).toEqual([1100, 1050, 1200]);

    b.will_delay_interval = 30;
    will_delay__add(b);
    db.now_real_s = 1101;
    session_expiry__check();
    expect(calls.events).toEqual(['will b', 'disused b', 'will a', 'disused a']);
    expect(calls.logs).toEqual([
      { priority: MOSQ_LOG_NOTICE, msg: 'Expiring client b due to timeout.' },
      { priority: MOSQ_LOG_NOTICE, msg: 'Expiring client a due to timeout.' },
    ]);
    expect(g.g_clients_expired).toBe(2);
    expect([b.session_expiry_interval, b.will_delay_interval, b.will_delay_entry, b.expiry_list_item]).toEqual([0, 0, null, null]);
    expect(c.expiry_list_item).not.toBeNull();
  });

  it('never lists a session that asked not to expire, unless a global limit applies', () => {
    const forever = client('forever', 4294967295);
    session_expiry__add(forever);
    expect(forever.expiry_list_item).toBeNull();

    reset_db({ persistent_client_expiration: 3600 });
    db.now_real_s = 10;
    session_expiry__add(forever);
    expect(forever.session_expiry_time).toBe(3610);
    const short = client('short', 60);
    session_expiry__add(short);
    expect(short.session_expiry_time).toBe(70);
  });

  it('persistent_client_expiration: a persistent MQTT 3.1.1 session lives through the limit and expires the second after', () => {
    reset_db({ persistent_client_expiration: 3600 });
    db.now_real_s = 1000;
    const v3 = client('v3', 4294967295);
    session_expiry__add(v3);
    db.now_real_s = 4600;
    session_expiry__check();
    expect(calls.events).toEqual([]);
    db.now_real_s = 4601;
    session_expiry__check();
    expect(calls.events).toEqual(['will v3', 'disused v3']);
    expect(calls.logs).toEqual([{ priority: MOSQ_LOG_NOTICE, msg: 'Expiring client v3 due to timeout.' }]);
    expect(g.g_clients_expired).toBe(1);
  });

  it('forgets a session that resumes, and disconnects the rest at shutdown', () => {
    db.now_real_s = 50;
    const a = client('a', 10);
    const b = client('b', 10);
    session_expiry__add(a);
    session_expiry__add(b);
    session_expiry__remove(a);
    expect(a.expiry_list_item).toBeNull();
    session_expiry__remove_all();
    expect(calls.events).toEqual(['disconnect b']);
    expect(b.session_expiry_interval).toBe(0);
    db.now_real_s = 100;
    session_expiry__check();
    expect(calls.events).toEqual(['disconnect b']);
  });
});
