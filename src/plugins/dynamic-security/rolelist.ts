/**
 * Role lists of plugins/dynamic-security/rolelist.c: the roles a client or group holds, ordered
 * by priority (highest first), then by role name, and the two-way links between a role and its
 * clients and groups.
 * @module
 */
import { MOSQ_ERR_ALREADY_EXISTS, MOSQ_ERR_INVAL, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_SUCCESS, MOSQ_ERR_UNKNOWN } from '../../include/mosquitto.js';
import { dynsec_clientlist__add } from './clientlist.js';
import type { dynsec__client, dynsec__group, dynsec__role, dynsec__rolelist } from './dynamic_security.js';
import { ERR_LIST_NOT_FOUND, HASH_ADD_KEYPTR_INORDER, strcmp } from './dynamic_security.js';
import { dynsec_grouplist__add, dynsec_grouplist__remove } from './grouplist.js';
import { cJSON_AddIntToObject, cJSON_GetObjectItem, json_get_int } from './json_help.js';
import type { cJSON, cJSON_object } from './json_help.js';
import { dynsec_roles__find } from './roles.js';

/**
 * Orders list entries by priority, highest first, then by role name.
 */
function rolelist_cmp(a: dynsec__rolelist, b: dynsec__rolelist): number {
  const prio = b.priority - a.priority;
  if (prio === 0) {
    return strcmp(a.rolename, b.rolename);
  } else {
    return prio;
  }
}

/**
 * Takes one entry out of the list.
 * @adapted the list head pointer is a Map changed in place
 */
function dynsec_rolelist__free_item(base_rolelist: Map<string, dynsec__rolelist>, rolelist: dynsec__rolelist): void {
  base_rolelist.delete(rolelist.rolename);
}

/**
 * Empties the list (the roles themselves stay, and keep their back-links).
 * @adapted the list head pointer is a Map emptied in place
 */
export function dynsec_rolelist__cleanup(base_rolelist: Map<string, dynsec__rolelist>): void {
  for (const rolelist of [...base_rolelist.values()]) {
    dynsec_rolelist__free_item(base_rolelist, rolelist);
  }
}

/**
 * Takes `role` out of the list; MOSQ_ERR_NOT_FOUND if it is not there.
 */
function dynsec_rolelist__remove_role(base_rolelist: Map<string, dynsec__rolelist>, role: dynsec__role): number {
  const found_rolelist = base_rolelist.get(role.rolename);
  if (found_rolelist) {
    dynsec_rolelist__free_item(base_rolelist, found_rolelist);
    return MOSQ_ERR_SUCCESS;
  } else {
    return MOSQ_ERR_NOT_FOUND;
  }
}

/**
 * Takes `role` from the client and the client from the role's client list.
 */
export function dynsec_rolelist__client_remove(client: dynsec__client, role: dynsec__role): number {
  const rc = dynsec_rolelist__remove_role(client.rolelist, role);
  if (rc) return rc;

  const found_clientlist = role.clientlist.get(client.username);
  if (found_clientlist) {
    role.clientlist.delete(client.username);
    return MOSQ_ERR_SUCCESS;
  } else {
    return MOSQ_ERR_NOT_FOUND;
  }
}

/**
 * Takes `role` from the group and the group from the role's group list.
 */
export function dynsec_rolelist__group_remove(group: dynsec__group, role: dynsec__role): void {
  dynsec_rolelist__remove_role(group.rolelist, role);
  dynsec_grouplist__remove(role.grouplist, group);
}

/**
 * Puts `role` in the list with `priority`, in priority order. MOSQ_ERR_INVAL without a role,
 * MOSQ_ERR_ALREADY_EXISTS if it is already there.
 * @adapted the list head pointer is a Map changed in place
 */
function dynsec_rolelist__add(base_rolelist: Map<string, dynsec__rolelist>, role: dynsec__role | null, priority: number): number {
  if (role === null) return MOSQ_ERR_INVAL;

  if (base_rolelist.get(role.rolename)) {
    return MOSQ_ERR_ALREADY_EXISTS;
  } else {
    const rolelist: dynsec__rolelist = {
      role,
      priority,
      rolename: role.rolename,
    };
    HASH_ADD_KEYPTR_INORDER(base_rolelist, role.rolename, rolelist, rolelist_cmp);
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * Gives the client `role` with `priority` and adds the client to the role's client list.
 */
export function dynsec_rolelist__client_add(client: dynsec__client, role: dynsec__role | null, priority: number): number {
  const rc = dynsec_rolelist__add(client.rolelist, role, priority);
  if (rc) return rc;

  const rolelist = client.rolelist.get(role!.rolename);
  if (rolelist === undefined) {
    /* Cannot happen: the add above succeeded. */
    return MOSQ_ERR_UNKNOWN;
  }

  return dynsec_clientlist__add(role!.clientlist, client, priority);
}

/**
 * Gives the group `role` with `priority` and adds the group to the role's group list.
 */
export function dynsec_rolelist__group_add(group: dynsec__group, role: dynsec__role | null, priority: number): number {
  const rc = dynsec_rolelist__add(group.rolelist, role, priority);
  if (rc) return rc;

  return dynsec_grouplist__add(role!.grouplist, group, priority);
}

/**
 * Fills `rolelist` from a command's `roles` array (`[{"rolename": ..., "priority": ...}]`).
 * ERR_LIST_NOT_FOUND without the array, MOSQ_ERR_INVAL when it is not an array or an entry has
 * no string rolename, MOSQ_ERR_NOT_FOUND (and the list emptied) for a role that does not exist.
 * @adapted the list head pointer is a Map filled in place
 */
export function dynsec_rolelist__load_from_json(command: cJSON, rolelist: Map<string, dynsec__rolelist>): number {
  const j_roles = cJSON_GetObjectItem(command, 'roles');
  if (j_roles !== undefined) {
    if (Array.isArray(j_roles)) {
      for (const j_role of j_roles) {
        const j_rolename = cJSON_GetObjectItem(j_role, 'rolename');
        if (typeof j_rolename === 'string') {
          const priority = json_get_int(j_role, 'priority', true, -1).value;
          const role = dynsec_roles__find(j_rolename);
          if (role) {
            dynsec_rolelist__add(rolelist, role, priority);
          } else {
            dynsec_rolelist__cleanup(rolelist);
            return MOSQ_ERR_NOT_FOUND;
          }
        } else {
          return MOSQ_ERR_INVAL;
        }
      }
      return MOSQ_ERR_SUCCESS;
    } else {
      return MOSQ_ERR_INVAL;
    }
  } else {
    return ERR_LIST_NOT_FOUND;
  }
}

/**
 * The list as JSON: `[{"rolename": ..., "priority": ...}]`, the priority only when it is not -1.
 * @adapted returns a JS array (C: a cJSON array, NULL on allocation failure)
 */
export function dynsec_rolelist__all_to_json(base_rolelist: Map<string, dynsec__rolelist>): cJSON_object[] {
  const j_roles: cJSON_object[] = [];

  for (const rolelist of base_rolelist.values()) {
    const j_role: cJSON_object = {};
    j_roles.push(j_role);

    j_role.rolename = rolelist.role.rolename;
    if (rolelist.priority !== -1) {
      cJSON_AddIntToObject(j_role, 'priority', rolelist.priority);
    }
  }
  return j_roles;
}
