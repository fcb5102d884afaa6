/**
 * Group lists of plugins/dynamic-security/grouplist.c: the groups a client belongs to or that
 * hold a role, ordered by priority (highest first), then by group name.
 * @module
 */
import { MOSQ_ERR_SUCCESS } from '../../include/mosquitto.js';
import type { dynsec__group, dynsec__grouplist } from './dynamic_security.js';
import { HASH_ADD_KEYPTR_INORDER, strcmp } from './dynamic_security.js';
import { cJSON_AddIntToObject } from './json_help.js';
import type { cJSON_object } from './json_help.js';

/**
 * Orders list entries by priority, highest first, then by group name.
 */
function dynsec_grouplist__cmp(a: dynsec__grouplist, b: dynsec__grouplist): number {
  const prio = b.priority - a.priority;
  if (prio === 0) {
    return strcmp(a.group.groupname, b.group.groupname);
  } else {
    return prio;
  }
}

/**
 * The list as JSON: `[{"groupname": ..., "priority": ...}]`, the priority only when it is not -1.
 * @adapted returns a JS array (C: a cJSON array, NULL on allocation failure)
 */
export function dynsec_grouplist__all_to_json(base_grouplist: Map<string, dynsec__grouplist>): cJSON_object[] {
  const j_groups: cJSON_object[] = [];

  for (const grouplist of base_grouplist.values()) {
    const j_group: cJSON_object = {};
    j_groups.push(j_group);

    j_group.groupname = grouplist.group.groupname;
    if (grouplist.priority !== -1) {
      cJSON_AddIntToObject(j_group, 'priority', grouplist.priority);
    }
  }
  return j_groups;
}

/**
 * Puts `group` in the list with `priority`, in priority order; nothing happens if it is
 * already there.
 * @adapted the list head pointer is a Map changed in place
 */
export function dynsec_grouplist__add(base_grouplist: Map<string, dynsec__grouplist>, group: dynsec__group, priority: number): number {
  if (base_grouplist.get(group.groupname) !== undefined) {
    /* Already in the list. */
    return MOSQ_ERR_SUCCESS;
  }

  const grouplist: dynsec__grouplist = {
    group,
    priority,
  };
  HASH_ADD_KEYPTR_INORDER(base_grouplist, group.groupname, grouplist, dynsec_grouplist__cmp);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Empties the list (the groups themselves stay).
 * @adapted the list head pointer is a Map emptied in place
 */
export function dynsec_grouplist__cleanup(base_grouplist: Map<string, dynsec__grouplist>): void {
  base_grouplist.clear();
}

/**
 * Takes `group` out of the list, if it is in it.
 * @adapted the list head pointer is a Map changed in place
 */
export function dynsec_grouplist__remove(base_grouplist: Map<string, dynsec__grouplist>, group: dynsec__group): void {
  base_grouplist.delete(group.groupname);
}
