/*
 * Retained messages: storing and clearing, which retained messages a new subscription is sent
 * (wildcards, $ topics), at which QoS and with which identifier, expiry and ACL checks.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { db__messages_easy_queue, db__open } from '../../../src/broker/database.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__config, mosquitto__retainhier } from '../../../src/broker/mosquitto_broker_internal.js';
import { retain__clean, retain__init, retain__queue, retain__store } from '../../../src/broker/retain.js';
import { sub__topic_tokenise } from '../../../src/broker/topic_tok.js';
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { MOSQ_ACL_READ, MOSQ_ACL_WRITE } from '../../../src/include/mosquitto_plugin.js';
import { mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db } from '../helpers/context.js';
import { received, set_acl } from '../helpers/subs.js';

function setup(config: Partial<mosquitto__config> = {}): void {
  reset_db({ queue_qos0_messages: true, allow_duplicate_messages: true, ...config });
  db__open(db.config);
  set_acl(db.config!.security_options);
}

function client(id: string): mosquitto {
  return make_context(id, { online: false, protocol: mosq_p_mqtt5 });
}

function publish(from: mosquitto | null, topic: string, payload: string, qos = 0, expiry = 0): number {
  const buf = Buffer.from(payload);
  return db__messages_easy_queue(from, topic, qos, buf.length, buf, true, expiry, null);
}

/** The retained-tree node for a topic (root, then the levels, the root name repeated). */
function node(topic: string): mosquitto__retainhier | undefined {
  const { topics } = sub__topic_tokenise(topic);
  let hier = db.retains!.children.get(topics[0]);
  for (const level of topics) {
    hier = hier?.children.get(level);
  }
  return hier;
}

/** The topics of the retained messages a new subscription to `filter` is sent. */
function retained_for(filter: string): string[] {
  const c = client(`sub ${filter}`);
  expect(retain__queue(c, filter, 0, 0)).toBe(MOSQ_ERR_SUCCESS);
  return received(c).map((m) => m.topic!).sort();
}

beforeEach(() => setup());

describe('retain__init', () => {
  it('creates the "" and $SYS roots', () => {
    db.retains = null;
    expect(retain__init()).toBe(MOSQ_ERR_SUCCESS);
    expect([...db.retains!.children.keys()]).toEqual(['', '$SYS']);
    for (const root of db.retains!.children.values()) {
      expect(root.parent).toBeNull();
      expect(root.children.size).toBe(0);
      expect(root.retained).toBeNull();
    }
  });
});

describe('retain__store', () => {
  it('keeps one message per topic, replacing and clearing it', () => {
    publish(null, 'a/b', 'first');
    const first = node('a/b')!.retained!;
    expect(first.payload.toString()).toBe('first');
    expect(first.ref_count).toBe(1);
    expect(db.retained_count).toBe(1);

    publish(null, 'a/b', 'second');
    expect(node('a/b')!.retained!.payload.toString()).toBe('second');
    expect(first.ref_count).toBe(0);
    expect(db.retained_count).toBe(1);
    expect(db.msg_store_count).toBe(1);

    /* An empty retained message clears the topic and is not kept. */
    publish(null, 'a/b', '');
    expect(node('a/b')!.retained).toBeNull();
    expect(db.retained_count).toBe(0);
    expect(db.msg_store_count).toBe(0);
  });

  it('stores $ topics under their own root', () => {
    publish(null, '$SYS/broker/version', 'v');
    publish(null, '$foo/bar', 'x');
    expect(db.retains!.children.get('$SYS')!.children.get('$SYS')!.children.get('broker')!
      .children.get('version')!.retained).not.toBeNull();
    expect(node('$foo/bar')!.retained!.topic).toBe('$foo/bar');
    expect(node('$foo/bar')!.parent!.parent!.parent).toBeNull();
  });

  it('counts a persistence change except for $SYS topics', () => {
    const before = db.persistence_changes;
    publish(null, '$SYS/x', 'v');
    expect(db.persistence_changes).toBe(before);
    publish(null, 'a', 'v');
    expect(db.persistence_changes).toBe(before + 1);
    /* Called directly, as persist__restore does. */
    const { topics } = sub__topic_tokenise('c/d');
    expect(retain__store('c/d', node('a')!.retained!, topics)).toBe(MOSQ_ERR_SUCCESS);
    expect(node('c/d')!.retained).toBe(node('a')!.retained);
    expect(node('a')!.retained!.ref_count).toBe(2);
    expect(db.persistence_changes).toBe(before + 2);
  });
});

describe('retain__queue', () => {
  beforeEach(() => {
    for (const topic of ['a', 'a/b', 'a/b/c', 'b', '/a', 'a//c', '$SYS/x', '$SYS/x/y', '$foo/bar']) {
      publish(null, topic, `payload of ${topic}`);
    }
  });

  it('sends the retained messages a filter matches', () => {
    expect(retained_for('a')).toEqual(['a']);
    expect(retained_for('a/b')).toEqual(['a/b']);
    expect(retained_for('a/#')).toEqual(['a', 'a//c', 'a/b', 'a/b/c']);
    expect(retained_for('a/b/#')).toEqual(['a/b', 'a/b/c']);
    expect(retained_for('a/+')).toEqual(['a/b']);
    expect(retained_for('+')).toEqual(['a', 'b']);
    expect(retained_for('+/b')).toEqual(['a/b']);
    expect(retained_for('+/+/c')).toEqual(['a//c', 'a/b/c']);
    expect(retained_for('+/#')).toEqual(['/a', 'a', 'a//c', 'a/b', 'a/b/c', 'b']);
    expect(retained_for('/+')).toEqual(['/a']);
    expect(retained_for('x/#')).toEqual([]);
  });

  it('keeps $ topics out of filters starting with a wildcard', () => {
    expect(retained_for('#')).toEqual(['/a', 'a', 'a//c', 'a/b', 'a/b/c', 'b']);
    expect(retained_for('+/x')).toEqual([]);
    expect(retained_for('$SYS/#')).toEqual(['$SYS/x', '$SYS/x/y']);
    expect(retained_for('$SYS/+')).toEqual(['$SYS/x']);
    expect(retained_for('$foo/bar')).toEqual(['$foo/bar']);
    expect(retained_for('$none/#')).toEqual([]);
  });

  it('a shared filter gets the retained messages of its topic filter', () => {
    expect(retained_for('$share/g/a/+')).toEqual(['a/b']);
  });

  it('sends at the lower of retained and subscription QoS, retain set, with the identifier', () => {
    publish(null, 'q/2', 'two', 2);
    publish(null, 'q/0', 'zero', 0);
    const c = client('c');
    retain__queue(c, 'q/+', 1, 42);
    const got = received(c).sort((x, y) => x.topic!.localeCompare(y.topic!));
    expect(got.map(({ topic, qos, retain, identifier, payload }) => ({ topic, qos, retain, identifier, payload }))).toEqual([
      { topic: 'q/0', qos: 0, retain: true, identifier: 42, payload: 'zero' },
      { topic: 'q/2', qos: 1, retain: true, identifier: 42, payload: 'two' },
    ]);
    expect(got.find((m) => m.topic === 'q/2')!.mid).toBe(1);
    expect(got.find((m) => m.topic === 'q/0')!.mid).toBe(0);

    const d = client('d');
    retain__queue(d, 'q/0', 2, 0);
    expect(received(d)[0]).toMatchObject({ qos: 0, identifier: 0 });
  });

  it('sends at the subscription QoS with upgrade_outgoing_qos', () => {
    db.config!.upgrade_outgoing_qos = true;
    const c = client('c');
    retain__queue(c, 'a', 2, 0);
    expect(received(c)[0].qos).toBe(2);
  });

  it('drops an expired retained message instead of sending it', () => {
    publish(null, 'exp', 'soon gone', 0, 10);
    const count = db.retained_count;
    db.now_real_s += 9;
    expect(retained_for('exp')).toEqual(['exp']);
    db.now_real_s += 1;
    expect(retained_for('exp')).toEqual([]);
    expect(node('exp')!.retained).toBeNull();
    expect(db.retained_count).toBe(count - 1);
  });

  it('sends nothing the subscriber may not read', () => {
    set_acl(db.config!.security_options, (access, _c, topic) =>
      (access === MOSQ_ACL_READ && topic.startsWith('a') ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS));
    expect(retained_for('#')).toEqual(['/a', 'b']);
  });

  it('with check_retain_source, sends nothing whose publisher has lost write access', () => {
    const publisher = client('publisher');
    publisher.username = 'pub-user';
    publish(publisher, 'src/t', 'from a client');
    publish(null, 'src/b', 'from the broker');
    const asked: string[] = [];
    set_acl(db.config!.security_options, (access, c) => {
      asked.push(`${access} ${c.id} ${c.username}`);
      return access === MOSQ_ACL_WRITE && c.id === 'publisher' ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS;
    });
    expect(retained_for('src/+')).toEqual(['src/b', 'src/t']);

    db.config!.check_retain_source = true;
    asked.length = 0;
    /* Messages the broker itself published are not checked against their source. */
    expect(retained_for('src/+')).toEqual(['src/b']);
    expect(asked.sort()).toEqual([
      `${MOSQ_ACL_READ} sub src/+ null`,
      `${MOSQ_ACL_READ} sub src/+ null`,
      `${MOSQ_ACL_WRITE} publisher pub-user`,
    ]);
  });
});

describe('retain__clean', () => {
  it('empties the tree and drops the references', () => {
    publish(null, 'a/b', 'x');
    const stored = node('a/b')!.retained!;
    retain__clean(db.retains!);
    expect(db.retains!.children.size).toBe(0);
    expect(stored.ref_count).toBe(0);
  });
});
