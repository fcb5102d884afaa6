/**
 * ACL checks of plugins/dynamic-security/acl.c. A client's roles are tried first, then its
 * groups' roles, each list in priority order, each role's ACLs of the asked type in priority
 * order; the first matching ACL decides. With no match the default access for the type
 * applies (never to `$CONTROL` topics), otherwise the decision is deferred.
 * @module
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS } from '../../include/mosquitto.js';
import type { mosquitto_evt_acl_check } from '../../include/mosquitto_broker.js';
import { MOSQ_ACL_READ, MOSQ_ACL_SUBSCRIBE, MOSQ_ACL_UNSUBSCRIBE, MOSQ_ACL_WRITE } from '../../include/mosquitto_plugin.js';
import { mosquitto_topic_matches_sub } from '../../lib/util_topic.js';
import { mosquitto_client_username } from '../../broker/plugin_public.js';
import { dynsec_clients__find } from './clients.js';
import type { dynsec__rolelist } from './dynamic_security.js';
import { dynsec_anonymous_group } from './groups.js';
import { default_access } from './plugin.js';
import { sub_acl_check } from './sub_matches_sub.js';

/** MOSQ_FUNC_acl_check: one access type's check over a role list. */
type MOSQ_FUNC_acl_check = (ed: mosquitto_evt_acl_check, base_rolelist: Map<string, dynsec__rolelist>) => number;

/**
 * May the client receive a message on this topic? Matches the topic against the roles'
 * publishClientReceive ACLs; MOSQ_ERR_NOT_FOUND when none matches.
 */
function acl_check_publish_c_recv(ed: mosquitto_evt_acl_check, base_rolelist: Map<string, dynsec__rolelist>): number {
  for (const rolelist of base_rolelist.values()) {
    for (const acl of rolelist.role.acls.publish_c_recv.values()) {
      const { result } = mosquitto_topic_matches_sub(acl.topic, ed.topic);
      if (result) {
        if (acl.allow) {
          return MOSQ_ERR_SUCCESS;
        } else {
          return MOSQ_ERR_ACL_DENIED;
        }
      }
    }
  }
  return MOSQ_ERR_NOT_FOUND;
}

/**
 * May the client publish to this topic? Matches the topic against the roles'
 * publishClientSend ACLs; MOSQ_ERR_NOT_FOUND when none matches.
 */
function acl_check_publish_c_send(ed: mosquitto_evt_acl_check, base_rolelist: Map<string, dynsec__rolelist>): number {
  for (const rolelist of base_rolelist.values()) {
    for (const acl of rolelist.role.acls.publish_c_send.values()) {
      const { result } = mosquitto_topic_matches_sub(acl.topic, ed.topic);
      if (result) {
        if (acl.allow) {
          return MOSQ_ERR_SUCCESS;
        } else {
          return MOSQ_ERR_ACL_DENIED;
        }
      }
    }
  }
  return MOSQ_ERR_NOT_FOUND;
}

/**
 * May the client subscribe to this filter? Per role: an exact subscribeLiteral ACL first, then
 * the subscribePattern ACLs; MOSQ_ERR_NOT_FOUND when none matches.
 */
function acl_check_subscribe(ed: mosquitto_evt_acl_check, base_rolelist: Map<string, dynsec__rolelist>): number {
  for (const rolelist of base_rolelist.values()) {
    const literal = rolelist.role.acls.subscribe_literal.get(ed.topic);
    if (literal) {
      if (literal.allow) {
        return MOSQ_ERR_SUCCESS;
      } else {
        return MOSQ_ERR_ACL_DENIED;
      }
    }
    for (const acl of rolelist.role.acls.subscribe_pattern.values()) {
      if (sub_acl_check(acl.topic, ed.topic)) {
        if (acl.allow) {
          return MOSQ_ERR_SUCCESS;
        } else {
          return MOSQ_ERR_ACL_DENIED;
        }
      }
    }
  }
  return MOSQ_ERR_NOT_FOUND;
}

/**
 * May the client unsubscribe from this filter? As acl_check_subscribe with the unsubscribe
 * ACLs.
 */
function acl_check_unsubscribe(ed: mosquitto_evt_acl_check, base_rolelist: Map<string, dynsec__rolelist>): number {
  for (const rolelist of base_rolelist.values()) {
    const literal = rolelist.role.acls.unsubscribe_literal.get(ed.topic);
    if (literal) {
      if (literal.allow) {
        return MOSQ_ERR_SUCCESS;
      } else {
        return MOSQ_ERR_ACL_DENIED;
      }
    }
    for (const acl of rolelist.role.acls.unsubscribe_pattern.values()) {
      if (sub_acl_check(acl.topic, ed.topic)) {
        if (acl.allow) {
          return MOSQ_ERR_SUCCESS;
        } else {
          return MOSQ_ERR_ACL_DENIED;
        }
      }
    }
  }
  return MOSQ_ERR_NOT_FOUND;
}

/**
 * Runs `check` over the client's roles, then over each of its groups' roles (a client without
 * username: the anonymous group's roles). An unknown username is deferred; no match falls back
 * to `acl_default_access`, except for `$CONTROL` topics, which must be allowed explicitly.
 */
function acl_check(ed: mosquitto_evt_acl_check, check: MOSQ_FUNC_acl_check, acl_default_access: boolean): number {
  let rc: number;

  const username = mosquitto_client_username(ed.client);

  if (username !== null) {
    const client = dynsec_clients__find(username);
    if (client === null) return MOSQ_ERR_PLUGIN_DEFER;

    /* The client's own roles. */
    rc = check(ed, client.rolelist);
    if (rc !== MOSQ_ERR_NOT_FOUND) {
      return rc;
    }

    for (const grouplist of client.grouplist.values()) {
      rc = check(ed, grouplist.group.rolelist);
      if (rc !== MOSQ_ERR_NOT_FOUND) {
        return rc;
      }
    }
  } else if (dynsec_anonymous_group) {
    /* No username: the anonymous group's roles, if there is one. */
    rc = check(ed, dynsec_anonymous_group.rolelist);
    if (rc !== MOSQ_ERR_NOT_FOUND) {
      return rc;
    }
  }

  if (acl_default_access === false) {
    return MOSQ_ERR_PLUGIN_DEFER;
  } else {
    if (ed.topic.startsWith('$CONTROL')) {
      /* Default access never opens $CONTROL topics. */
      return MOSQ_ERR_PLUGIN_DEFER;
    } else {
      return MOSQ_ERR_SUCCESS;
    }
  }
}

/**
 * MOSQ_EVT_ACL_CHECK: picks the check and default access for the access type (subscribe,
 * unsubscribe, publish from the client, delivery to the client); other types are deferred.
 */
export function dynsec__acl_check_callback(_event: number, event_data: unknown, _userdata: unknown): number {
  const ed = event_data as mosquitto_evt_acl_check;

  switch (ed.access) {
    case MOSQ_ACL_SUBSCRIBE:
      return acl_check(ed, acl_check_subscribe, default_access.subscribe);
    case MOSQ_ACL_UNSUBSCRIBE:
      return acl_check(ed, acl_check_unsubscribe, default_access.unsubscribe);
    case MOSQ_ACL_WRITE: /* client to broker */
      return acl_check(ed, acl_check_publish_c_send, default_access.publish_c_send);
    case MOSQ_ACL_READ:
      return acl_check(ed, acl_check_publish_c_recv, default_access.publish_c_recv);
    default:
      return MOSQ_ERR_PLUGIN_DEFER;
  }
}
