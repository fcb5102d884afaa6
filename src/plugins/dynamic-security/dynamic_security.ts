/**
 * Types and constants of plugins/dynamic-security/dynamic_security.h: the ACL type names of the
 * JSON config and commands, the plugin's own error codes, and the records of clients, groups,
 * roles and ACLs.
 *
 * The C keeps every table and cross-reference list as a uthash hash whose iteration order is
 * part of the behaviour (lists come out sorted by name, role lists by priority). The port keeps
 * each one as a Map keyed on the same string, in the same order: HASH_ADD_KEYPTR_INORDER and
 * HASH_SORT have small stand-ins here.
 * @module
 */
import type { mosquitto_pw } from '../../broker/password_mosq.js';

export const ACL_TYPE_PUB_C_RECV = 'publishClientReceive';
export const ACL_TYPE_PUB_C_SEND = 'publishClientSend';
export const ACL_TYPE_SUB_GENERIC = 'subscribe';
export const ACL_TYPE_SUB_LITERAL = 'subscribeLiteral';
export const ACL_TYPE_SUB_PATTERN = 'subscribePattern';
export const ACL_TYPE_UNSUB_GENERIC = 'unsubscribe';
export const ACL_TYPE_UNSUB_LITERAL = 'unsubscribeLiteral';
export const ACL_TYPE_UNSUB_PATTERN = 'unsubscribePattern';

export const ERR_USER_NOT_FOUND = 10000;
export const ERR_GROUP_NOT_FOUND = 10001;
export const ERR_LIST_NOT_FOUND = 10002;

/** struct dynsec__clientlist: a client in a group's or role's list, keyed on its username. */
export interface dynsec__clientlist {
  client: dynsec__client;
  priority: number;
}

/** struct dynsec__grouplist: a group in a client's or role's list, keyed on its group name. */
export interface dynsec__grouplist {
  group: dynsec__group;
  priority: number;
}

/** struct dynsec__rolelist: a role in a client's or group's list, keyed on its role name. */
export interface dynsec__rolelist {
  rolename: string;
  role: dynsec__role;
  priority: number;
}

/** struct dynsec__client: one client account. */
export interface dynsec__client {
  pw: mosquitto_pw;
  rolelist: Map<string, dynsec__rolelist>;
  grouplist: Map<string, dynsec__grouplist>;
  username: string;
  clientid: string | null;
  text_name: string | null;
  text_description: string | null;
  disabled: boolean;
}

/** struct dynsec__group: one group of clients, with its roles. */
export interface dynsec__group {
  rolelist: Map<string, dynsec__rolelist>;
  clientlist: Map<string, dynsec__clientlist>;
  groupname: string;
  text_name: string | null;
  text_description: string | null;
}

/** struct dynsec__acl: one ACL of a role, keyed on its topic. */
export interface dynsec__acl {
  topic: string;
  priority: number;
  allow: boolean;
}

/** struct dynsec__acls: a role's ACLs, one list per ACL type. */
export interface dynsec__acls {
  publish_c_send: Map<string, dynsec__acl>;
  publish_c_recv: Map<string, dynsec__acl>;
  subscribe_literal: Map<string, dynsec__acl>;
  subscribe_pattern: Map<string, dynsec__acl>;
  unsubscribe_literal: Map<string, dynsec__acl>;
  unsubscribe_pattern: Map<string, dynsec__acl>;
}

/** struct dynsec__role: one role: its ACLs and the clients and groups that have it. */
export interface dynsec__role {
  acls: dynsec__acls;
  clientlist: Map<string, dynsec__clientlist>;
  grouplist: Map<string, dynsec__grouplist>;
  rolename: string;
  text_name: string | null;
  text_description: string | null;
}

/** struct dynsec__acl_default_access: what happens when no ACL matches. */
export interface dynsec__acl_default_access {
  publish_c_send: boolean;
  publish_c_recv: boolean;
  subscribe: boolean;
  unsubscribe: boolean;
}

/**
 * Adds `item` under `key`, placed before the first entry that compares greater than it, so
 * entries that compare equal keep their order of arrival.
 * @tsonly uthash's HASH_ADD_KEYPTR_INORDER on a Map (the hash's order is its iteration order)
 */
export function HASH_ADD_KEYPTR_INORDER<T>(head: Map<string, T>, key: string, item: T, cmp: (a: T, b: T) => number): void {
  const entries = [...head];
  const pos = entries.findIndex(([, e]) => cmp(e, item) > 0);
  if (pos < 0) {
    head.set(key, item);
    return;
  }
  entries.splice(pos, 0, [key, item]);
  head.clear();
  for (const [k, v] of entries) {
    head.set(k, v);
  }
}

/**
 * Puts the entries in `cmp` order; equal entries keep their order (uthash's merge sort is stable).
 * @tsonly uthash's HASH_SORT on a Map
 */
export function HASH_SORT<T>(head: Map<string, T>, cmp: (a: T, b: T) => number): void {
  const entries = [...head].sort(([, a], [, b]) => cmp(a, b));
  head.clear();
  for (const [k, v] of entries) {
    head.set(k, v);
  }
}

/**
 * Compares two strings as C's strcmp does: by their UTF-8 bytes.
 * @tsonly libc strcmp on JS strings
 */
export function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Compares two strings ignoring ASCII case, as strcasecmp does in the C locale; 0 when equal.
 * @tsonly libc strcasecmp on JS strings
 */
export function strcasecmp(a: string, b: string): number {
  const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
  const la = lower(a);
  const lb = lower(b);
  return la === lb ? 0 : strcmp(la, lb);
}

/**
 * The text a `%s` of the C log lines prints for a possibly null string.
 * @tsonly glibc prints "(null)" for a NULL `%s` argument
 */
export function pstr(s: string | null | undefined): string {
  return s ?? '(null)';
}
