/**
 * Retained messages of src/retain.c: a tree shaped like the subscription tree (same roots, same
 * levels from sub__topic_tokenise) holding at most one stored message per topic, and the walk
 * that sends the retained messages matching a new subscription.
 *
 * `db.retains` is a holder node whose `children` Map plays the uthash head of the roots in C
 * (`""` and `$SYS` from retain__init, other `$` roots as they are first used); the roots'
 * `parent` is null. A wildcard filter starts under the `""` root, so it never reaches `$` topics.
 * @module
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import { MOSQ_ACL_READ, MOSQ_ACL_WRITE } from '../include/mosquitto_plugin.js';
import { MQTT_PROP_SUBSCRIPTION_IDENTIFIER } from '../include/mqtt_protocol.js';
import { mosq_md_out } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { mosquitto_property_add_varint } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { mosquitto__mid_generate } from '../lib/util_mosq.js';
import { context__init } from './context.js';
import { db__message_insert, db__msg_store_ref_dec, db__msg_store_ref_inc } from './database.js';
import { db, mosq_mo_broker } from './mosquitto_broker_internal.js';
import type { mosquitto__retainhier, mosquitto_msg_store } from './mosquitto_broker_internal.js';
import { acl__find_acls } from './security_default.js';
import { mosquitto_acl_check } from './security.js';
import { sub__topic_tokenise } from './topic_tok.js';

/**
 * Creates a retained-tree node for one topic level and adds it to `sibling`, the children of
 * `parent` (or, for a root, `db.retains.children`, with a null parent).
 * @adapted `sibling` is the Map that replaces the uthash head; allocation cannot fail
 */
function retain__add_hier_entry(parent: mosquitto__retainhier | null, sibling: Map<string, mosquitto__retainhier>,
    topic: string, len: number): mosquitto__retainhier {
  const child: mosquitto__retainhier = {
    parent,
    children: new Map(),
    retained: null,
    topic,
    topic_len: len,
  };

  sibling.set(child.topic, child);

  return child;
}

/**
 * Sets up the retained-message tree with its two standard roots, `""` and `$SYS`.
 * @adapted first creates the holder node that stands for the C hash head `db.retains`;
 *   allocation cannot fail, so there is no MOSQ_ERR_NOMEM path
 */
export function retain__init(): number {
  db.retains = { parent: null, children: new Map(), retained: null, topic: '', topic_len: 0 };

  retain__add_hier_entry(null, db.retains.children, '', 0);
  retain__add_hier_entry(null, db.retains.children, '$SYS', '$SYS'.length);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Makes `stored` the retained message of its topic (levels in `split_topics`, as from
 * sub__topic_tokenise), replacing any earlier one; a message with an empty payload just clears
 * it. Counts as a persistence change unless the topic is under `$SYS`.
 */
export function retain__store(topic: string, stored: mosquitto_msg_store, split_topics: string[]): number {
  let retainhier: mosquitto__retainhier | undefined = db.retains!.children.get(split_topics[0]);
  if (retainhier === undefined) {
    retainhier = retain__add_hier_entry(null, db.retains!.children, split_topics[0], Buffer.byteLength(split_topics[0]));
  }

  for (let i = 0; i < split_topics.length; i++) {
    let branch: mosquitto__retainhier | undefined = retainhier.children.get(split_topics[i]);
    if (branch === undefined) {
      branch = retain__add_hier_entry(retainhier, retainhier.children, split_topics[i], Buffer.byteLength(split_topics[i]));
    }
    retainhier = branch;
  }

  if (!topic.startsWith('$SYS')) {
    /* $SYS retained messages are not worth a persistence write. */
    db.persistence_changes++;
  }
  if (retainhier.retained) {
    db__msg_store_ref_dec(retainhier.retained);
    retainhier.retained = null;
    db.retained_count--;
  }
  if (stored.payloadlen) {
    retainhier.retained = stored;
    db__msg_store_ref_inc(retainhier.retained);
    db.retained_count++;
  } else {
    retainhier.retained = null;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Queues one node's retained message for a subscriber: drops it instead if it has expired,
 * skips it if the subscriber may not read it or (with check_retain_source) its publisher may
 * no longer write it. The QoS is the lower of message and subscription (or the subscription's
 * with upgrade_outgoing_qos); the subscription identifier goes along as a property.
 * @adapted the stand-in for the publisher comes from context__init(null) where C zeroes a
 *   struct on the stack; only its id, username and listener matter to the ACL check
 */
function retain__process(branch: mosquitto__retainhier, context: mosquitto, sub_qos: number, subscription_identifier: number): number {
  let rc: number;
  let qos: number;
  let mid: number;
  let properties: mosquitto_property[] | null = null;

  if (branch.retained!.message_expiry_time > 0 && db.now_real_s >= branch.retained!.message_expiry_time) {
    db__msg_store_ref_dec(branch.retained!);
    branch.retained = null;
    db.retained_count--;
    return MOSQ_ERR_SUCCESS;
  }

  const retained = branch.retained!;

  rc = mosquitto_acl_check(context, retained.topic!, retained.payloadlen, retained.payload,
    retained.qos, retained.retain, MOSQ_ACL_READ);
  if (rc === MOSQ_ERR_ACL_DENIED) {
    return MOSQ_ERR_SUCCESS;
  } else if (rc !== MOSQ_ERR_SUCCESS) {
    return rc;
  }

  /* May the client that published this message still write to the topic? */
  if (db.config!.check_retain_source && retained.origin !== mosq_mo_broker && retained.source_id) {
    const retain_ctxt = context__init(null)!;

    retain_ctxt.id = retained.source_id;
    retain_ctxt.username = retained.source_username;
    retain_ctxt.listener = retained.source_listener;

    rc = acl__find_acls(retain_ctxt);
    if (rc) return rc;

    rc = mosquitto_acl_check(retain_ctxt, retained.topic!, retained.payloadlen, retained.payload,
      retained.qos, retained.retain, MOSQ_ACL_WRITE);
    if (rc === MOSQ_ERR_ACL_DENIED) {
      return MOSQ_ERR_SUCCESS;
    } else if (rc !== MOSQ_ERR_SUCCESS) {
      return rc;
    }
  }

  if (db.config!.upgrade_outgoing_qos) {
    qos = sub_qos;
  } else {
    qos = retained.qos;
    if (qos > sub_qos) qos = sub_qos;
  }
  if (qos > 0) {
    mid = mosquitto__mid_generate(context);
  } else {
    mid = 0;
  }
  if (subscription_identifier > 0) {
    properties = mosquitto_property_add_varint(properties, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, subscription_identifier).proplist;
  }
  return db__message_insert(context, mid, mosq_md_out, qos, true, retained, properties, false);
}

/**
 * Walks the retained tree along a subscription filter and queues every retained message it
 * matches: `#` takes the whole subtree, `+` every child, other levels the named child. Returns
 * -1 after a `#` so the caller also sends the message at the parent (`a/#` matches `a`).
 * @adapted C advances a pointer into the level array; here `idx` is the current level
 */
function retain__search(retainhier: mosquitto__retainhier, split_topics: string[], idx: number, context: mosquitto,
    sub: string, sub_qos: number, subscription_identifier: number, level: number): number {
  let flag = 0;
  const has_next = idx + 1 < split_topics.length;

  if (split_topics[idx] === '#' && !has_next) {
    for (const branch of retainhier.children.values()) {
      /* Tell the caller to check the parent level too ("foo" for "foo/#"). */
      flag = -1;
      if (branch.retained) {
        retain__process(branch, context, sub_qos, subscription_identifier);
      }
      if (branch.children.size > 0) {
        retain__search(branch, split_topics, idx, context, sub, sub_qos, subscription_identifier, level + 1);
      }
    }
  } else {
    if (split_topics[idx] === '+') {
      for (const branch of retainhier.children.values()) {
        if (has_next) {
          if (retain__search(branch, split_topics, idx + 1, context, sub, sub_qos, subscription_identifier, level + 1) === -1
              || (has_next && split_topics[idx + 1] === '#' && level > 0)) {
            if (branch.retained) {
              retain__process(branch, context, sub_qos, subscription_identifier);
            }
          }
        } else {
          if (branch.retained) {
            retain__process(branch, context, sub_qos, subscription_identifier);
          }
        }
      }
    } else {
      const branch = retainhier.children.get(split_topics[idx]);
      if (branch) {
        if (has_next) {
          if (retain__search(branch, split_topics, idx + 1, context, sub, sub_qos, subscription_identifier, level + 1) === -1
              || (has_next && split_topics[idx + 1] === '#' && level > 0)) {
            if (branch.retained) {
              retain__process(branch, context, sub_qos, subscription_identifier);
            }
          }
        } else {
          if (branch.retained) {
            retain__process(branch, context, sub_qos, subscription_identifier);
          }
        }
      }
    }
  }
  return flag;
}

/**
 * Queues for a client the retained messages matching a filter it has just subscribed to, at
 * the subscription's QoS and with its identifier (0 for none).
 */
export function retain__queue(context: mosquitto, sub: string, sub_qos: number, subscription_identifier: number): number {
  const { rc, topics: split_topics } = sub__topic_tokenise(sub);
  if (rc) return rc;

  const retainhier = db.retains!.children.get(split_topics[0]);

  if (retainhier) {
    retain__search(retainhier, split_topics, 0, context, sub, sub_qos, subscription_identifier, 0);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Empties a retained tree below `retainhier`, dropping the references its messages hold.
 * @adapted `retainhier` is the node whose children are cleaned (C: a pointer to the hash head,
 *   `&db.retains` or `&node->children`); the garbage collector frees the nodes
 */
export function retain__clean(retainhier: mosquitto__retainhier): void {
  for (const peer of retainhier.children.values()) {
    if (peer.retained) {
      db__msg_store_ref_dec(peer.retained);
      peer.retained = null;
    }
    retain__clean(peer);

    retainhier.children.delete(peer.topic);
  }
}
