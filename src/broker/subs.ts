/**
 * The subscription tree of src/subs.c: adding and removing subscriptions, finding every
 * subscriber of a published topic, and handing the message to each of them.
 *
 * The tree has one node per topic level (`mosquitto__subhier`). Its roots are named after the
 * first element of sub__topic_tokenise's output: `""` for ordinary topics, `$SYS` (or another
 * `$` level) for the rest, which is why `#` and `+` subscriptions never see `$` topics. Under a
 * root the levels repeat the root name once (`a/b` lives at `""` -> `""` -> `a` -> `b`), as in C.
 * A node holds the plain subscriptions (`subs`, a utlist list of `mosquitto__subleaf`) and the
 * shared-subscription groups (`shared`, one round-robin list of leaves per `$share` group).
 *
 * `db.subs` is a holder node whose `children` Map plays the uthash head of the roots in C; the
 * roots' `parent` is null. Each client keeps back-references to the nodes it is subscribed at
 * (`context.subs`) and to its shared groups (`context.shared_subs`), so its session can be wiped
 * without walking the whole tree.
 * @module
 */
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NO_SUBSCRIBERS,
  MOSQ_ERR_SUB_EXISTS,
  MOSQ_ERR_SUCCESS,
} from '../include/mosquitto.js';
import { MOSQ_ACL_READ } from '../include/mosquitto_plugin.js';
import {
  MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
  MQTT_RC_NO_SUBSCRIPTION_EXISTED,
  MQTT_SUB_OPT_NO_LOCAL,
  MQTT_SUB_OPT_RETAIN_AS_PUBLISHED,
} from '../include/mqtt_protocol.js';
import { DL_APPEND, DL_DELETE } from '../deps/utlist.js';
import { mosq_md_out, mosq_p_mqtt31, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { mosquitto_property_add_varint } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { mosquitto__mid_generate } from '../lib/util_mosq.js';
import { db__message_insert, db__msg_store_ref_dec, db__msg_store_ref_inc } from './database.js';
import { db } from './mosquitto_broker_internal.js';
import type {
  mosquitto__subhier,
  mosquitto__subleaf,
  mosquitto__subshared,
  mosquitto__subshared_ref,
  mosquitto_msg_store,
} from './mosquitto_broker_internal.js';
import { retain__store } from './retain.js';
import { mosquitto_acl_check } from './security.js';
import { sub__topic_tokenise } from './topic_tok.js';

/** C's UINT16_MAX: the longest topic level, in bytes, the tree accepts. */
const UINT16_MAX = 65535;

/**
 * A place a result is written to, standing in for a C `uint8_t *` out-parameter that the
 * callee may or may not set (the UNSUBACK reason code).
 */
export interface sub__reason {
  value: number;
}

/**
 * Queues one message for one subscriber, if the ACL lets the subscriber read the topic: the
 * QoS is the lower of message and subscription (or the subscription's with
 * upgrade_outgoing_qos), the retain flag survives only with retain-as-published, and the
 * subscription identifier goes along as a property. Returns 1 when queueing failed.
 */
function subs__send(leaf: mosquitto__subleaf, topic: string, qos: number, retain: boolean, stored: mosquitto_msg_store): number {
  let client_retain: boolean;
  let mid: number;
  let msg_qos: number;
  let properties: mosquitto_property[] | null = null;

  const rc2 = mosquitto_acl_check(leaf.context, topic, stored.payloadlen, stored.payload, stored.qos, stored.retain, MOSQ_ACL_READ);
  if (rc2 === MOSQ_ERR_ACL_DENIED) {
    return MOSQ_ERR_SUCCESS;
  } else if (rc2 === MOSQ_ERR_SUCCESS) {
    const client_qos = leaf.qos;

    if (db.config!.upgrade_outgoing_qos) {
      msg_qos = client_qos;
    } else {
      if (qos > client_qos) {
        msg_qos = client_qos;
      } else {
        msg_qos = qos;
      }
    }
    if (msg_qos) {
      mid = mosquitto__mid_generate(leaf.context);
    } else {
      mid = 0;
    }
    if (leaf.retain_as_published) {
      client_retain = retain;
    } else {
      client_retain = false;
    }
    if (leaf.identifier) {
      properties = mosquitto_property_add_varint(properties, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, leaf.identifier).proplist;
    }
    if (db__message_insert(leaf.context, mid, mosq_md_out, msg_qos, client_retain, stored, properties, true) === 1) {
      return 1;
    }
  } else {
    return 1; /* the ACL check itself failed */
  }
  return 0;
}

/**
 * Gives the message to one member of each shared-subscription group at this node: the member
 * at the head of the group's list, which then moves to the tail (round robin).
 */
function subs__shared_process(hier: mosquitto__subhier, topic: string, qos: number, retain: boolean, stored: mosquitto_msg_store): number {
  let rc = 0;

  for (const shared of hier.shared.values()) {
    const leaf = shared.subs!;
    const rc2 = subs__send(leaf, topic, qos, retain, stored);
    /* The member just served goes to the back of the queue. */
    shared.subs = DL_DELETE(shared.subs!, leaf);
    shared.subs = DL_APPEND(shared.subs, leaf);

    if (rc2) rc = 1;
  }

  return rc;
}

/**
 * Delivers a message to everyone subscribed at one node: the shared groups, then each plain
 * subscriber except clients without an id and, for no-local subscriptions, the publisher
 * itself. Messages with no source id reach the shared groups only, as in C.
 * Returns MOSQ_ERR_NO_SUBSCRIBERS when the node has none.
 */
function subs__process(hier: mosquitto__subhier, source_id: string | null, topic: string, qos: number, retain: boolean, stored: mosquitto_msg_store): number {
  let rc = subs__shared_process(hier, topic, qos, retain, stored);

  let leaf = hier.subs;
  while (source_id !== null && leaf) {
    if (!leaf.context.id || (leaf.no_local && leaf.context.id === source_id)) {
      leaf = leaf.next;
      continue;
    }
    const rc2 = subs__send(leaf, topic, qos, retain, stored);
    if (rc2) {
      rc = 1;
    }
    leaf = leaf.next;
  }
  if (hier.subs || hier.shared.size > 0) {
    return rc;
  } else {
    return MOSQ_ERR_NO_SUBSCRIBERS;
  }
}

/**
 * Adds a client's subscription to a list of leaves. A client already in the list (same id)
 * only has its QoS and identifier updated, and MOSQ_ERR_SUB_EXISTS tells the caller so.
 * @adapted `head` is the node or group owning the list (C: a pointer to the list head); the new
 *   leaf is returned instead of written through an out-parameter
 */
function sub__add_leaf(context: mosquitto, qos: number, identifier: number, options: number,
    head: { subs: mosquitto__subleaf | null }): { rc: number; newleaf: mosquitto__subleaf | null } {
  let leaf = head.subs;

  while (leaf) {
    if (leaf.context && leaf.context.id && leaf.context.id === context.id) {
      /* A repeated subscription just refreshes QoS and identifier. */
      leaf.qos = qos;
      leaf.identifier = identifier;
      return { rc: MOSQ_ERR_SUB_EXISTS, newleaf: null };
    }
    leaf = leaf.next;
  }
  leaf = {
    prev: null,
    next: null,
    context,
    qos,
    identifier,
    no_local: (options & MQTT_SUB_OPT_NO_LOCAL) !== 0,
    retain_as_published: (options & MQTT_SUB_OPT_RETAIN_AS_PUBLISHED) !== 0,
  };

  head.subs = DL_APPEND(head.subs, leaf);

  return { rc: MOSQ_ERR_SUCCESS, newleaf: leaf };
}

/**
 * Takes a leaf out of a shared group, and the group out of its node once it is empty.
 * @adapted the garbage collector frees the leaf and the group
 */
function sub__remove_shared_leaf(subhier: mosquitto__subhier, shared: mosquitto__subshared, leaf: mosquitto__subleaf): void {
  shared.subs = DL_DELETE(shared.subs!, leaf);
  if (shared.subs === null) {
    subhier.shared.delete(shared.name);
  }
}

/**
 * Joins a client to a shared-subscription group at a node (creating the group if needed) and
 * records the group in the client's `shared_subs`. MQTT 3.1 and 5 clients get
 * MOSQ_ERR_SUB_EXISTS back for a repeat; 3.1.1 clients get success, so retained messages are
 * sent again.
 * @adapted allocations cannot fail in JS, so the C out-of-memory unwinding is gone
 */
function sub__add_shared(context: mosquitto, qos: number, identifier: number, options: number,
    subhier: mosquitto__subhier, sharename: string): number {
  let shared = subhier.shared.get(sharename);
  if (shared === undefined) {
    shared = { name: sharename, subs: null };
    subhier.shared.set(shared.name, shared);
  }

  const { rc } = sub__add_leaf(context, qos, identifier, options, shared);
  if (rc > 0) {
    if (shared.subs === null) {
      subhier.shared.delete(shared.name);
    }
    return rc;
  }

  if (rc !== MOSQ_ERR_SUB_EXISTS) {
    let shared_ref: mosquitto__subshared_ref | null = { hier: subhier, shared };

    for (let i = 0; i < context.shared_sub_count; i++) {
      if (!context.shared_subs[i]) {
        context.shared_subs[i] = shared_ref;
        shared_ref = null;
        break;
      }
    }
    if (shared_ref) {
      context.shared_subs.push(shared_ref);
      context.shared_sub_count++;
    }
    db.shared_subscription_count++;
  }

  if (context.protocol === mosq_p_mqtt31 || context.protocol === mosq_p_mqtt5) {
    return rc;
  } else {
    /* MQTT 3.1.1 wants retained messages resent on a repeated subscription. */
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * Adds a plain subscription at a node and records the node in the client's `subs` (reusing a
 * free slot). Same SUB_EXISTS rule as sub__add_shared.
 * @adapted allocations cannot fail in JS, so the C out-of-memory unwinding is gone
 */
function sub__add_normal(context: mosquitto, qos: number, identifier: number, options: number, subhier: mosquitto__subhier): number {
  const { rc } = sub__add_leaf(context, qos, identifier, options, subhier);
  if (rc > 0) {
    return rc;
  }

  if (rc !== MOSQ_ERR_SUB_EXISTS) {
    let i: number;
    for (i = 0; i < context.sub_count; i++) {
      if (!context.subs[i]) {
        context.subs[i] = subhier;
        break;
      }
    }
    if (i === context.sub_count) {
      context.subs.push(subhier);
      context.sub_count++;
    }
    db.subscription_count++;
  }

  if (context.protocol === mosq_p_mqtt31 || context.protocol === mosq_p_mqtt5) {
    return rc;
  } else {
    /* MQTT 3.1.1 wants retained messages resent on a repeated subscription. */
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * Walks (and grows) the tree from a root along the filter's levels, then adds the client at
 * the node reached, as a shared or a plain subscriber. A level over 65535 bytes is
 * MOSQ_ERR_INVAL. A context without an id subscribes nothing.
 */
function sub__add_context(context: mosquitto | null, qos: number, identifier: number, options: number,
    subhier: mosquitto__subhier, topics: string[], sharename: string | null): number {
  for (let topic_index = 0; topic_index < topics.length; topic_index++) {
    const topiclen = Buffer.byteLength(topics[topic_index]);
    if (topiclen > UINT16_MAX) {
      return MOSQ_ERR_INVAL;
    }
    let branch = subhier.children.get(topics[topic_index]);
    if (!branch) {
      branch = sub__add_hier_entry(subhier, subhier.children, topics[topic_index], topiclen);
    }
    subhier = branch;
  }

  if (context && context.id) {
    if (sharename !== null) {
      return sub__add_shared(context, qos, identifier, options, subhier, sharename);
    } else {
      return sub__add_normal(context, qos, identifier, options, subhier);
    }
  } else {
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * Removes a client's plain subscription at a node and clears the client's reference to it;
 * sets the reason to 0 (success). MOSQ_ERR_NO_SUBSCRIBERS if it was not subscribed there.
 * @adapted `reason` is a holder for the C out-parameter
 */
function sub__remove_normal(context: mosquitto, subhier: mosquitto__subhier, reason: sub__reason): number {
  let leaf = subhier.subs;
  while (leaf) {
    if (leaf.context === context) {
      db.subscription_count--;
      subhier.subs = DL_DELETE(subhier.subs!, leaf);

      /* Forget the client's back-reference to this node. */
      for (let i = 0; i < context.sub_count; i++) {
        if (context.subs[i] === subhier) {
          context.subs[i] = null;
          break;
        }
      }
      reason.value = 0;
      return MOSQ_ERR_SUCCESS;
    }
    leaf = leaf.next;
  }
  return MOSQ_ERR_NO_SUBSCRIBERS;
}

/**
 * Removes a client from a shared group at a node, clears the client's reference to the group,
 * and drops the group once empty; sets the reason to 0 (success).
 * MOSQ_ERR_NO_SUBSCRIBERS if there is no such group or the client is not in it.
 * @adapted `reason` is a holder for the C out-parameter
 */
function sub__remove_shared(context: mosquitto, subhier: mosquitto__subhier, reason: sub__reason, sharename: string): number {
  const shared = subhier.shared.get(sharename);
  if (shared) {
    let leaf = shared.subs;
    while (leaf) {
      if (leaf.context === context) {
        db.shared_subscription_count--;
        shared.subs = DL_DELETE(shared.subs!, leaf);

        /* Forget the client's back-reference to this group. */
        for (let i = 0; i < context.shared_sub_count; i++) {
          const ref = context.shared_subs[i];
          if (ref && ref.hier === subhier && ref.shared === shared) {
            context.shared_subs[i] = null;
            break;
          }
        }

        if (shared.subs === null) {
          subhier.shared.delete(shared.name);
        }

        reason.value = 0;
        return MOSQ_ERR_SUCCESS;
      }
      leaf = leaf.next;
    }
    return MOSQ_ERR_NO_SUBSCRIBERS;
  } else {
    return MOSQ_ERR_NO_SUBSCRIBERS;
  }
}

/**
 * Follows the filter's levels down the tree and removes the client's subscription at the end,
 * pruning nodes left with no children, subscribers or groups on the way back up.
 * @adapted C advances a pointer into the level array; here `idx` is the current level, and
 *   `reason` is a holder for the C out-parameter
 */
function sub__remove_recurse(context: mosquitto, subhier: mosquitto__subhier, topics: string[], idx: number,
    reason: sub__reason, sharename: string | null): number {
  if (idx >= topics.length) {
    if (sharename !== null) {
      return sub__remove_shared(context, subhier, reason, sharename);
    } else {
      return sub__remove_normal(context, subhier, reason);
    }
  }

  const branch = subhier.children.get(topics[idx]);
  if (branch) {
    sub__remove_recurse(context, branch, topics, idx + 1, reason, sharename);
    if (branch.children.size === 0 && !branch.subs && branch.shared.size === 0) {
      subhier.children.delete(branch.topic);
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * The matching walk: from a node, follows the topic's next level literally and through a `+`
 * child, delivering at the nodes where the topic ends, and delivers at a `#` child (a leaf)
 * wherever it is met. Returns MOSQ_ERR_NO_SUBSCRIBERS when nobody matched.
 * @adapted C advances a pointer into the level array; here `idx` is the current level
 */
function sub__search(subhier: mosquitto__subhier, split_topics: string[], idx: number, source_id: string | null,
    topic: string, qos: number, retain: boolean, stored: mosquitto_msg_store): number {
  let rc: number;
  let have_subscribers = false;

  if (idx < split_topics.length) {
    const last = idx + 1 >= split_topics.length;

    /* This level, matched literally */
    let branch = subhier.children.get(split_topics[idx]);

    if (branch) {
      rc = sub__search(branch, split_topics, idx + 1, source_id, topic, qos, retain, stored);
      if (rc === MOSQ_ERR_SUCCESS) {
        have_subscribers = true;
      } else if (rc !== MOSQ_ERR_NO_SUBSCRIBERS) {
        return rc;
      }
      if (last) {
        rc = subs__process(branch, source_id, topic, qos, retain, stored);
        if (rc === MOSQ_ERR_SUCCESS) {
          have_subscribers = true;
        } else if (rc !== MOSQ_ERR_NO_SUBSCRIBERS) {
          return rc;
        }
      }
    }

    /* This level, matched by a '+' */
    branch = subhier.children.get('+');

    if (branch) {
      rc = sub__search(branch, split_topics, idx + 1, source_id, topic, qos, retain, stored);
      if (rc === MOSQ_ERR_SUCCESS) {
        have_subscribers = true;
      } else if (rc !== MOSQ_ERR_NO_SUBSCRIBERS) {
        return rc;
      }
      if (last) {
        rc = subs__process(branch, source_id, topic, qos, retain, stored);
        if (rc === MOSQ_ERR_SUCCESS) {
          have_subscribers = true;
        } else if (rc !== MOSQ_ERR_NO_SUBSCRIBERS) {
          return rc;
        }
      }
    }
  }

  /* A '#' here matches this level and everything below it. */
  const branch = subhier.children.get('#');
  if (branch && branch.children.size === 0) {
    /* Deliver, but keep looking: other branches may match too. */
    rc = subs__process(branch, source_id, topic, qos, retain, stored);
    if (rc === MOSQ_ERR_SUCCESS) {
      have_subscribers = true;
    } else if (rc !== MOSQ_ERR_NO_SUBSCRIBERS) {
      return rc;
    }
  }

  if (have_subscribers) {
    return MOSQ_ERR_SUCCESS;
  } else {
    return MOSQ_ERR_NO_SUBSCRIBERS;
  }
}

/**
 * Creates a tree node for one topic level and adds it to `sibling`, the children of `parent`
 * (or, for a root, `db.subs.children`, with a null parent).
 * @adapted `sibling` is the Map that replaces the uthash head; allocation cannot fail, so the
 *   node is always returned
 */
export function sub__add_hier_entry(parent: mosquitto__subhier | null, sibling: Map<string, mosquitto__subhier>,
    topic: string, len: number): mosquitto__subhier {
  const child: mosquitto__subhier = {
    parent,
    children: new Map(),
    subs: null,
    shared: new Map(),
    topic,
    topic_len: len,
  };

  sibling.set(child.topic, child);

  return child;
}

/**
 * Subscribes a client to a filter (plain or `$share/<group>/...`) with the given QoS,
 * subscription identifier and MQTT 5 option bits, creating the root for a new `$` prefix if
 * needed. Returns MOSQ_ERR_SUCCESS, MOSQ_ERR_SUB_EXISTS (3.1 and 5 repeats) or an error.
 * @adapted `root` is the holder node whose children are the roots (C: a pointer to the hash head)
 */
export function sub__add(context: mosquitto | null, sub: string, qos: number, identifier: number, options: number,
    root: mosquitto__subhier): number {
  const { rc, topics, sharename } = sub__topic_tokenise(sub);
  if (rc) return rc;

  const topiclen = Buffer.byteLength(topics[0]);
  if (topiclen > UINT16_MAX) {
    return MOSQ_ERR_INVAL;
  }
  let subhier = root.children.get(topics[0]);
  if (!subhier) {
    subhier = sub__add_hier_entry(null, root.children, topics[0], topiclen);
  }
  return sub__add_context(context, qos, identifier, options, subhier, topics, sharename);
}

/**
 * Unsubscribes a client from a filter. When the filter's root exists the reason becomes
 * MQTT_RC_NO_SUBSCRIPTION_EXISTED, or 0 if a subscription was removed; otherwise the reason is
 * left as it was, as in C.
 * @adapted `root` is the holder node of the roots; `reason` is a holder for the C out-parameter
 */
export function sub__remove(context: mosquitto, sub: string, root: mosquitto__subhier, reason: sub__reason): number {
  let rc: number;
  const tokens = sub__topic_tokenise(sub);
  rc = tokens.rc;
  if (rc) return rc;

  const subhier = root.children.get(tokens.topics[0]);
  if (subhier) {
    reason.value = MQTT_RC_NO_SUBSCRIPTION_EXISTED;
    rc = sub__remove_recurse(context, subhier, tokens.topics, 0, reason, tokens.sharename);
  }

  return rc;
}

/**
 * Delivers a stored message to every matching subscriber and, if it is retained, stores it as
 * the topic's retained message. Returns MOSQ_ERR_NO_SUBSCRIBERS when nobody matched, 1 when the
 * topic cannot be split or a delivery failed.
 * @adapted C also nulls the caller's pointer if this drops the last reference to `stored`;
 *   callers here do not use the store afterwards
 */
export function sub__messages_queue(source_id: string | null, topic: string, qos: number, retain: boolean,
    stored: mosquitto_msg_store): number {
  let rc = MOSQ_ERR_SUCCESS;

  const { rc: tok_rc, topics: split_topics } = sub__topic_tokenise(topic);
  if (tok_rc) return 1;

  /* Hold a reference while delivering, so the message cannot be freed part way through. */
  db__msg_store_ref_inc(stored);

  const subhier = db.subs!.children.get(split_topics[0]);
  if (subhier) {
    rc = sub__search(subhier, split_topics, 0, source_id, topic, qos, retain, stored);
  }

  if (retain) {
    const rc2 = retain__store(topic, stored, split_topics);
    if (rc2) rc = rc2;
  }

  /* Give our reference back; the store is freed if nobody else holds one. */
  db__msg_store_ref_dec(stored);

  return rc;
}

/**
 * Deletes an empty node from its parent and returns the parent if that is now empty too (and
 * not a root), so the caller can keep pruning upwards.
 */
function tmp_remove_subs(sub: mosquitto__subhier | null): mosquitto__subhier | null {
  if (!sub || !sub.parent) {
    return null;
  }

  if (sub.children.size > 0 || sub.subs) {
    return null;
  }

  const parent = sub.parent;
  parent.children.delete(sub.topic);

  if (parent.subs === null
      && parent.children.size === 0
      && parent.shared.size === 0
      && parent.parent) {
    return parent;
  } else {
    return null;
  }
}

/**
 * Takes a client out of every shared group it belongs to, pruning nodes left empty, and
 * clears its `shared_subs`.
 */
function sub__clean_session_shared(context: mosquitto): number {
  for (let i = 0; i < context.shared_sub_count; i++) {
    const ref = context.shared_subs[i];
    if (ref === null) {
      continue;
    }
    let leaf = ref.shared.subs;
    while (leaf) {
      if (leaf.context === context) {
        db.shared_subscription_count--;
        sub__remove_shared_leaf(ref.hier, ref.shared, leaf);
        break;
      }
      leaf = leaf.next;
    }
    if (ref.hier.subs === null
        && ref.hier.children.size === 0
        && ref.hier.shared.size === 0
        && ref.hier.parent) {
      let hier: mosquitto__subhier | null = ref.hier;
      do {
        hier = tmp_remove_subs(hier);
      } while (hier);
    }
  }
  context.shared_subs = [];
  context.shared_sub_count = 0;

  return MOSQ_ERR_SUCCESS;
}

/**
 * Removes every subscription of a client, plain and shared, pruning nodes left empty.
 */
export function sub__clean_session(context: mosquitto): number {
  for (let i = 0; i < context.sub_count; i++) {
    const subhier = context.subs[i];
    if (subhier === null) {
      continue;
    }
    let leaf = subhier.subs;
    while (leaf) {
      if (leaf.context === context) {
        db.subscription_count--;
        subhier.subs = DL_DELETE(subhier.subs!, leaf);
        break;
      }
      leaf = leaf.next;
    }
    if (subhier.subs === null
        && subhier.children.size === 0
        && subhier.shared.size === 0
        && subhier.parent) {
      let hier: mosquitto__subhier | null = subhier;
      context.subs[i] = null;
      do {
        hier = tmp_remove_subs(hier);
      } while (hier);
    }
  }
  context.subs = [];
  context.sub_count = 0;

  return sub__clean_session_shared(context);
}

/**
 * Prints the tree to stdout, one level per line, indented by depth, with each plain
 * subscriber as `(client id, qos)`; a debugging aid (SIGUSR2 in mosquitto).
 * @adapted `root` is the node whose children are printed (C: a hash head); printf becomes
 *   process.stdout.write, and a missing id prints as glibc prints a NULL string
 */
export function sub__tree_print(root: mosquitto__subhier | null, level: number): void {
  if (!root) return; /* C iterates an empty (NULL) hash */
  for (const branch of root.children.values()) {
    if (level > -1) {
      let line = ' '.repeat((level + 2) * 2);
      line += branch.topic;
      let leaf = branch.subs;
      while (leaf) {
        if (leaf.context) {
          line += ` (${leaf.context.id ?? '(null)'}, ${leaf.qos})`;
        } else {
          line += ` (, ${leaf.qos})`;
        }
        leaf = leaf.next;
      }
      process.stdout.write(`${line}\n`);
    }

    sub__tree_print(branch, level + 1);
  }
}
