/*
 * The subscription tree: the intent of mosquitto's test/unit/subs_test.c (the tree built for one
 * subscription), plus matching, shared subscriptions, subscription options, removal and session
 * cleanup, asserted as the messages each client ends up with.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db__messages_easy_queue, db__open } from '../../../src/broker/database.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__config, mosquitto__subhier } from '../../../src/broker/mosquitto_broker_internal.js';
import {
  sub__add,
  sub__clean_session,
  sub__remove,
  sub__tree_print,
} from '../../../src/broker/subs.js';
import type { sub__reason } from '../../../src/broker/subs.js';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_SUB_EXISTS,
  MOSQ_ERR_SUCCESS,
} from '../../../src/include/mosquitto.js';
import { MOSQ_ACL_READ } from '../../../src/include/mosquitto_plugin.js';
import {
  MQTT_RC_NO_SUBSCRIPTION_EXISTED,
  MQTT_SUB_OPT_NO_LOCAL,
  MQTT_SUB_OPT_RETAIN_AS_PUBLISHED,
} from '../../../src/include/mqtt_protocol.js';
import { mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db } from '../helpers/context.js';
import { received, set_acl } from '../helpers/subs.js';

/* Offline sessions queue everything (QoS 0 included), so what each client got stays visible. */
function setup(config: Partial<mosquitto__config> = {}): void {
  reset_db({ queue_qos0_messages: true, allow_duplicate_messages: true, ...config });
  db__open(db.config);
  set_acl(db.config!.security_options);
}

function client(id: string, protocol = mosq_p_mqtt311): mosquitto {
  return make_context(id, { online: false, protocol });
}

function publish(from: mosquitto | null, topic: string, qos = 0, retain = false): number {
  const payload = Buffer.from(`to ${topic}`);
  return db__messages_easy_queue(from, topic, qos, payload.length, payload, retain, 0, null);
}

/** The node reached from the "" root along `levels` (the root name is repeated first, as in C). */
function node(...levels: string[]): mosquitto__subhier | undefined {
  let hier = db.subs!.children.get('');
  for (const level of levels) {
    hier = hier?.children.get(level);
  }
  return hier;
}

beforeEach(() => setup());

describe('sub__add', () => {
  it('builds one node per level under the "" root, the root name repeated (subs_test.c)', () => {
    const context = client('client');
    expect(sub__add(context, 'a/b/c/d/e', 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);

    let hier = db.subs!.children.get('')!;
    expect([...db.subs!.children.keys()]).toEqual(['', '$SYS']);
    for (const topic of ['', '', 'a', 'b', 'c', 'd']) {
      expect(hier.topic).toBe(topic);
      expect(hier.topic_len).toBe(topic.length);
      expect(hier.subs).toBeNull();
      expect(hier.children.size).toBe(1);
      hier = [...hier.children.values()][0] ?? hier;
    }
    expect(hier.topic).toBe('e');
    expect(hier.parent!.topic).toBe('d');
    expect(hier.children.size).toBe(0);
    expect(hier.subs!.context).toBe(context);
    expect(hier.subs!.next).toBeNull();

    expect(context.subs).toEqual([hier]);
    expect(context.sub_count).toBe(1);
    expect(db.subscription_count).toBe(1);
  });

  it('stores QoS, identifier and the no-local / retain-as-published options on the leaf', () => {
    const context = client('c', mosq_p_mqtt5);
    sub__add(context, 'x', 2, 7, MQTT_SUB_OPT_NO_LOCAL | MQTT_SUB_OPT_RETAIN_AS_PUBLISHED, db.subs!);
    expect(node('', 'x')!.subs).toMatchObject({ qos: 2, identifier: 7, no_local: true, retain_as_published: true });
  });

  it('updates QoS and identifier on a repeat; SUB_EXISTS for MQTT 3.1 and 5, success for 3.1.1', () => {
    for (const [protocol, expected] of [[mosq_p_mqtt31, MOSQ_ERR_SUB_EXISTS], [mosq_p_mqtt311, MOSQ_ERR_SUCCESS],
      [mosq_p_mqtt5, MOSQ_ERR_SUB_EXISTS]]) {
      setup();
      const context = client('c', protocol);
      expect(sub__add(context, 'a/b', 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
      expect(sub__add(context, 'a/b', 2, 5, 0, db.subs!)).toBe(expected);
      expect(node('', 'a', 'b')!.subs).toMatchObject({ qos: 2, identifier: 5, next: null });
      expect(db.subscription_count).toBe(1);
      expect(context.sub_count).toBe(1);
    }
  });

  it('treats two contexts with the same client id as the same subscriber', () => {
    const first = client('same');
    const second = client('same');
    sub__add(first, 't', 0, 0, 0, db.subs!);
    sub__add(second, 't', 1, 0, 0, db.subs!);
    expect(node('', 't')!.subs).toMatchObject({ context: first, qos: 1, next: null });
    expect(second.sub_count).toBe(0);
  });

  it('adds the branch but no subscriber for a context without an id', () => {
    const context = client('c');
    context.id = null;
    expect(sub__add(context, 'a/b', 1, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(node('', 'a', 'b')!.subs).toBeNull();
    expect(db.subscription_count).toBe(0);
  });

  it('rejects a level longer than 65535 bytes', () => {
    expect(sub__add(client('c'), `a/${'x'.repeat(65536)}`, 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_INVAL);
    expect(sub__add(client('c'), `a/${'é'.repeat(32768)}`, 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_INVAL);
  });

  it('gives a new $ prefix its own root', () => {
    sub__add(client('c'), '$foo/bar', 0, 0, 0, db.subs!);
    const root = db.subs!.children.get('$foo')!;
    expect(root.parent).toBeNull();
    expect(root.children.get('$foo')!.children.get('bar')!.subs).not.toBeNull();
  });

  it('joins shared groups at the filter node and records them on the client', () => {
    const a = client('a');
    const b = client('b');
    expect(sub__add(a, '$share/g/x/y', 1, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(sub__add(b, '$share/g/x/y', 2, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(sub__add(a, '$share/h/x/y', 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);

    const hier = node('', 'x', 'y')!;
    expect(hier.subs).toBeNull();
    expect([...hier.shared.keys()]).toEqual(['g', 'h']);
    const g = hier.shared.get('g')!;
    expect(g.subs!.context).toBe(a);
    expect(g.subs!.next!.context).toBe(b);
    expect(a.shared_subs).toEqual([{ hier, shared: g }, { hier, shared: hier.shared.get('h') }]);
    expect(a.shared_sub_count).toBe(2);
    expect(a.sub_count).toBe(0);
    expect(db.shared_subscription_count).toBe(3);
    expect(db.subscription_count).toBe(0);

    /* A repeat in the same group only updates the QoS (3.1.1: success). */
    expect(sub__add(b, '$share/g/x/y', 0, 0, 0, db.subs!)).toBe(MOSQ_ERR_SUCCESS);
    expect(g.subs!.next!.qos).toBe(0);
    expect(db.shared_subscription_count).toBe(3);
  });
});

describe('sub__messages_queue (the matching walk)', () => {
  it('delivers to exactly the filters that match', () => {
    const filters = ['a/b', 'a/+', 'a/#', '#', '+/+', '+/b', 'a/b/#', '+/#', '+/+/#',
      'a', 'a/b/c', 'b/#', '/a/b', '+', 'a/+/+', '+/a', 'a/b/+'];
    const clients = filters.map((f, i) => {
      const c = client(`c${i}`);
      sub__add(c, f, 0, 0, 0, db.subs!);
      return c;
    });
    expect(publish(null, 'a/b')).toBe(MOSQ_ERR_SUCCESS);
    const got = filters.filter((_f, i) => received(clients[i]).length > 0);
    expect(got).toEqual(['a/b', 'a/+', 'a/#', '#', '+/+', '+/b', 'a/b/#', '+/#', '+/+/#']);
    for (const c of clients) {
      expect(received(c).length).toBeLessThanOrEqual(1);
    }
  });

  it('matches empty levels literally and through wildcards', () => {
    const exact = client('exact');
    const plus = client('plus');
    const hash = client('hash');
    sub__add(exact, '/a/', 0, 0, 0, db.subs!);
    sub__add(plus, '+/a/+', 0, 0, 0, db.subs!);
    sub__add(hash, '#', 0, 0, 0, db.subs!);
    publish(null, '/a/');
    expect(received(exact).map((m) => m.topic)).toEqual(['/a/']);
    expect(received(plus).map((m) => m.topic)).toEqual(['/a/']);
    expect(received(hash).map((m) => m.topic)).toEqual(['/a/']);
  });

  it('keeps $ topics away from wildcards at the first level', () => {
    const hash = client('hash');
    const plus = client('plus');
    const sys_hash = client('sys_hash');
    const sys_plus = client('sys_plus');
    sub__add(hash, '#', 0, 0, 0, db.subs!);
    sub__add(plus, '+/broker/uptime', 0, 0, 0, db.subs!);
    sub__add(sys_hash, '$SYS/#', 0, 0, 0, db.subs!);
    sub__add(sys_plus, '$SYS/broker/+', 0, 0, 0, db.subs!);

    publish(null, '$SYS/broker/uptime');
    expect(received(hash)).toEqual([]);
    expect(received(plus)).toEqual([]);
    expect(received(sys_hash).map((m) => m.topic)).toEqual(['$SYS/broker/uptime']);
    expect(received(sys_plus).map((m) => m.topic)).toEqual(['$SYS/broker/uptime']);

    /* A $ topic no one has subscribed under has no root at all: nothing is searched, and the
     * result stays MOSQ_ERR_SUCCESS, as in C. */
    expect(publish(null, '$other/x')).toBe(MOSQ_ERR_SUCCESS);
    expect(received(hash)).toEqual([]);
  });

  it('reports MOSQ_ERR_NO_SUBSCRIBERS when nobody matches', () => {
    sub__add(client('c'), 'a/b', 0, 0, 0, db.subs!);
    expect(publish(null, 'a/c')).toBe(MOSQ_ERR_NO_SUBSCRIBERS);
    expect(publish(null, 'a/b')).toBe(MOSQ_ERR_SUCCESS);
  });

  it('sends at the lower of message and subscription QoS, or the subscription QoS with upgrade_outgoing_qos', () => {
    const q0 = client('q0');
    const q1 = client('q1');
    const q2 = client('q2');
    sub__add(q0, 't', 0, 0, 0, db.subs!);
    sub__add(q1, 't', 1, 0, 0, db.subs!);
    sub__add(q2, 't', 2, 0, 0, db.subs!);
    publish(null, 't', 1);
    expect([q0, q1, q2].map((c) => received(c)[0].qos)).toEqual([0, 1, 1]);

    db.config!.upgrade_outgoing_qos = true;
    publish(null, 't', 0);
    expect([q0, q1, q2].map((c) => received(c)[1].qos)).toEqual([0, 1, 2]);
    /* Each QoS>0 delivery takes a fresh message id. */
    expect(received(q2).map((m) => m.mid)).toEqual([1, 2]);
    expect(received(q0).map((m) => m.mid)).toEqual([0, 0]);
  });

  it('keeps the retain flag only for retain-as-published subscriptions', () => {
    const plain = client('plain', mosq_p_mqtt5);
    const rap = client('rap', mosq_p_mqtt5);
    sub__add(plain, 't', 0, 0, 0, db.subs!);
    sub__add(rap, 't', 0, 0, MQTT_SUB_OPT_RETAIN_AS_PUBLISHED, db.subs!);
    publish(null, 't', 0, true);
    expect(received(plain)[0].retain).toBe(false);
    expect(received(rap)[0].retain).toBe(true);
  });

  it('does not echo to the publisher on a no-local subscription', () => {
    const local = client('local', mosq_p_mqtt5);
    const echo = client('echo', mosq_p_mqtt5);
    sub__add(local, 't', 0, 0, MQTT_SUB_OPT_NO_LOCAL, db.subs!);
    sub__add(echo, 't', 0, 0, 0, db.subs!);
    publish(local, 't');
    publish(echo, 't');
    expect(received(local).length).toBe(1);
    expect(received(echo).length).toBe(2);
  });

  it('attaches each subscription identifier, one copy per matching subscription (MQTT 5)', () => {
    const c = client('c', mosq_p_mqtt5);
    sub__add(c, 'a/+', 1, 11, 0, db.subs!);
    sub__add(c, 'a/#', 1, 22, 0, db.subs!);
    sub__add(c, 'a/b', 1, 0, 0, db.subs!);
    publish(null, 'a/b', 1);
    expect(received(c).map((m) => m.identifier).sort()).toEqual([0, 11, 22]);
  });

  it('skips subscribers whose context has lost its id, and those the ACL refuses', () => {
    const gone = client('gone');
    const denied = client('denied');
    const ok = client('ok');
    for (const c of [gone, denied, ok]) sub__add(c, 't', 0, 0, 0, db.subs!);
    gone.id = null;
    const asked: string[] = [];
    set_acl(db.config!.security_options, (access, c, topic) => {
      asked.push(`${access} ${c.id} ${topic}`);
      return c === denied ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS;
    });
    expect(publish(null, 't')).toBe(MOSQ_ERR_SUCCESS);
    expect(received(gone)).toEqual([]);
    expect(received(denied)).toEqual([]);
    expect(received(ok).length).toBe(1);
    expect(asked).toEqual([`${MOSQ_ACL_READ} denied t`, `${MOSQ_ACL_READ} ok t`]);
  });

  it('round-robins each shared group and still serves plain subscribers', () => {
    const members = ['m1', 'm2', 'm3'].map((id) => client(id));
    const solo = client('solo');
    const plain = client('plain');
    for (const m of members) sub__add(m, '$share/g/t/#', 1, 0, 0, db.subs!);
    sub__add(solo, '$share/other/t/#', 1, 0, 0, db.subs!);
    sub__add(plain, 't/#', 1, 0, 0, db.subs!);

    for (let i = 0; i < 7; i++) publish(null, `t/${i}`, 1);
    expect(members.map((m) => received(m).map((msg) => msg.topic))).toEqual([
      ['t/0', 't/3', 't/6'],
      ['t/1', 't/4'],
      ['t/2', 't/5'],
    ]);
    expect(received(solo).length).toBe(7);
    expect(received(plain).length).toBe(7);
  });

  it('serves shared groups even for a message with no source id, plain subscribers only with one', () => {
    const shared = client('shared');
    const plain = client('plain');
    sub__add(shared, '$share/g/t', 0, 0, 0, db.subs!);
    sub__add(plain, 't', 0, 0, 0, db.subs!);
    /* db__messages_easy_queue gives broker messages the source id "", which counts as a source. */
    publish(null, 't');
    expect(received(shared).length).toBe(1);
    expect(received(plain).length).toBe(1);
  });
});

describe('sub__remove', () => {
  it('removes the subscription, reports reason 0 and prunes the empty branch', () => {
    const c = client('c');
    sub__add(c, 'a/b/c', 0, 0, 0, db.subs!);
    const reason: sub__reason = { value: 99 };
    expect(sub__remove(c, 'a/b/c', db.subs!, reason)).toBe(MOSQ_ERR_SUCCESS);
    expect(reason.value).toBe(0);
    expect(db.subs!.children.get('')!.children.size).toBe(0);
    expect(c.subs).toEqual([null]);
    expect(db.subscription_count).toBe(0);
    expect(publish(null, 'a/b/c')).toBe(MOSQ_ERR_NO_SUBSCRIBERS);
  });

  it('keeps branches other subscriptions still use', () => {
    const c = client('c');
    const d = client('d');
    sub__add(c, 'a/b', 0, 0, 0, db.subs!);
    sub__add(c, 'a/b/c', 0, 0, 0, db.subs!);
    sub__add(d, 'a/b', 0, 0, 0, db.subs!);
    sub__remove(c, 'a/b/c', db.subs!, { value: 0 });
    sub__remove(c, 'a/b', db.subs!, { value: 0 });
    expect(node('', 'a', 'b')!.subs!.context).toBe(d);
    expect(node('', 'a', 'b')!.children.size).toBe(0);
  });

  it('reports MQTT_RC_NO_SUBSCRIPTION_EXISTED for a filter the client does not have', () => {
    const c = client('c');
    const d = client('d');
    sub__add(d, 'a/b', 0, 0, 0, db.subs!);
    const reason: sub__reason = { value: 0 };
    expect(sub__remove(c, 'a/b', db.subs!, reason)).toBe(MOSQ_ERR_SUCCESS);
    expect(reason.value).toBe(MQTT_RC_NO_SUBSCRIPTION_EXISTED);
    expect(sub__remove(c, 'x/y', db.subs!, reason)).toBe(MOSQ_ERR_SUCCESS);
    expect(reason.value).toBe(MQTT_RC_NO_SUBSCRIPTION_EXISTED);
    expect(received(d)).toEqual([]);
    expect(db.subscription_count).toBe(1);
  });

  it('leaves the reason untouched when the filter has no root, as C does', () => {
    const reason: sub__reason = { value: 135 };
    expect(sub__remove(client('c'), '$nothing/here', db.subs!, reason)).toBe(MOSQ_ERR_SUCCESS);
    expect(reason.value).toBe(135);
  });

  it('leaves a shared group, dropping the group and branch once empty', () => {
    const a = client('a');
    const b = client('b');
    sub__add(a, '$share/g/x', 0, 0, 0, db.subs!);
    sub__add(b, '$share/g/x', 0, 0, 0, db.subs!);
    const reason: sub__reason = { value: 0 };

    expect(sub__remove(a, '$share/other/x', db.subs!, reason)).toBe(MOSQ_ERR_SUCCESS);
    expect(reason.value).toBe(MQTT_RC_NO_SUBSCRIPTION_EXISTED);

    sub__remove(a, '$share/g/x', db.subs!, reason);
    expect(reason.value).toBe(0);
    expect(a.shared_subs).toEqual([null]);
    expect(node('', 'x')!.shared.get('g')!.subs!.context).toBe(b);
    expect(db.shared_subscription_count).toBe(1);

    sub__remove(b, '$share/g/x', db.subs!, reason);
    expect(node('', 'x')).toBeUndefined();
    expect(db.shared_subscription_count).toBe(0);

    /* The freed slot is reused by the next shared subscription. */
    sub__add(a, '$share/g/y', 0, 0, 0, db.subs!);
    expect(a.shared_sub_count).toBe(1);
    expect(a.shared_subs[0]!.hier).toBe(node('', 'y'));
  });
});

describe('sub__clean_session', () => {
  it('removes every subscription of a client and prunes what only it used', () => {
    const c = client('c');
    const other = client('other');
    sub__add(c, 'a/b', 0, 0, 0, db.subs!);
    sub__add(c, 'a/b/c/d', 0, 0, 0, db.subs!);
    sub__add(c, 'x/#', 0, 0, 0, db.subs!);
    sub__add(c, '$share/g/s/t', 0, 0, 0, db.subs!);
    sub__add(c, '$SYS/broker/#', 0, 0, 0, db.subs!);
    sub__add(other, 'a/b', 0, 0, 0, db.subs!);
    sub__add(other, '$share/g/s/t', 0, 0, 0, db.subs!);
    expect(db.subscription_count).toBe(5);
    expect(db.shared_subscription_count).toBe(2);

    expect(sub__clean_session(c)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.subs).toEqual([]);
    expect(c.sub_count).toBe(0);
    expect(c.shared_subs).toEqual([]);
    expect(c.shared_sub_count).toBe(0);
    expect(db.subscription_count).toBe(1);
    expect(db.shared_subscription_count).toBe(1);

    expect([...db.subs!.children.get('')!.children.get('')!.children.keys()]).toEqual(['a', 's']);
    expect(node('', 'a', 'b')!.children.size).toBe(0);
    expect(node('', 'x')).toBeUndefined();
    expect(db.subs!.children.get('$SYS')!.children.size).toBe(0);

    publish(null, 'a/b');
    publish(null, 's/t');
    expect(received(c)).toEqual([]);
    expect(received(other).length).toBe(2);
  });

  it('prunes a shared-only branch when its last member goes', () => {
    const c = client('c');
    sub__add(c, '$share/g/p/q/r', 0, 0, 0, db.subs!);
    sub__clean_session(c);
    expect(db.subs!.children.get('')!.children.size).toBe(0);
    expect(db.shared_subscription_count).toBe(0);
  });
});

describe('sub__tree_print', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints each level indented by depth, with (id, qos) for each subscriber', () => {
    sub__add(client('c1'), 'a/b', 1, 0, 0, db.subs!);
    sub__add(client('c2'), 'a/b', 2, 0, 0, db.subs!);
    sub__add(client('c3'), 'a', 0, 0, 0, db.subs!);
    sub__tree_print(db.subs!, 0);
    expect(lines.join('')).toBe([
      '    ',
      '      ',
      '        a (c3, 0)',
      '          b (c1, 1) (c2, 2)',
      '    $SYS',
      '',
    ].join('\n'));
  });
});
