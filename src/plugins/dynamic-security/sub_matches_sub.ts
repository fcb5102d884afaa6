/**
 * Subscription-against-ACL matching of plugins/dynamic-security/sub_matches_sub.c: does a
 * subscribe/unsubscribe pattern ACL cover the filter a client asks for? Both sides may hold
 * wildcards; the ACL's `+` and `#` must cover the filter's levels and wildcards.
 * @module
 */
import type { mosq_out } from '../../include/mosquitto_plugin.js';

/**
 * Splits off the next topic level: starting from `str` when given, else from where the last
 * call stopped (kept in `saveptr`). Null once the text is used up.
 * @adapted the C writes a NUL over the `/` and keeps a char pointer; here slices and a holder
 */
function strtok_hier(str: string | null, saveptr: mosq_out<string | null>): string | null {
  if (str !== null) {
    saveptr.value = str;
  }

  if (saveptr.value === null) {
    return null;
  }

  const c = saveptr.value.indexOf('/');
  if (c >= 0) {
    str = saveptr.value.slice(0, c);
    saveptr.value = saveptr.value.slice(c + 1);
  } else {
    /* The last level: nothing follows it. */
    str = saveptr.value;
    saveptr.value = null;
  }
  return str;
}

/**
 * How many levels the topic has: one more than its number of `/`.
 */
function count_hier_levels(s: string): number {
  let count = 1;
  let c = 0;

  while ((c = s.indexOf('/', c)) >= 0) {
    c++;
    count++;
  }
  return count;
}

/**
 * Does the filter end in a multi-level wildcard (`#` alone, or `.../#`)? If so the wildcard (and
 * its `/`) is cut off.
 * @adapted the C truncates the string and its length in place; the shortened text is returned
 */
function hash_check(s: string): { result: boolean; s: string } {
  if (s.length === 1 && s[0] === '#') {
    return { result: true, s: '' };
  } else if (s.length > 1 && s.endsWith('/#')) {
    return { result: true, s: s.slice(0, -2) };
  }
  return { result: false, s };
}

/**
 * Does the ACL pattern `acl` allow the subscription filter `sub`? `#` allows everything; a
 * filter ending in `#` needs an ACL ending in `#`; each level must be equal or matched by `+`,
 * and extra filter levels are only allowed under the ACL's trailing `#`.
 */
export function sub_acl_check(acl: string, sub: string): boolean {
  if (acl.length === 1 && acl[0] === '#') {
    return true;
  }

  const acl_h = hash_check(acl);
  const sub_h = hash_check(sub);
  const acl_hash = acl_h.result;
  const sub_hash = sub_h.result;

  if (sub_hash === true && acl_hash === false) {
    return false;
  }

  const acl_levels = count_hier_levels(acl_h.s);
  const sub_levels = count_hier_levels(sub_h.s);
  if (acl_levels > sub_levels) {
    return false;
  } else if (sub_levels > acl_levels) {
    if (acl_hash === false) {
      return false;
    }
  }

  const acl_saveptr: mosq_out<string | null> = { value: acl_h.s };
  const sub_saveptr: mosq_out<string | null> = { value: sub_h.s };
  for (let i = 0; i < sub_levels; i++) {
    const acl_token = strtok_hier(acl_saveptr.value, acl_saveptr);
    const sub_token = strtok_hier(sub_saveptr.value, sub_saveptr);

    if (i < acl_levels
        && (acl_token === '+' || acl_token === sub_token)) {
      /* Same level, or the ACL's single-level wildcard: keep going. */
    } else if (i >= acl_levels && acl_hash === true) {
      /* Past the ACL's last level, which its trailing # covers. */
    } else {
      return false;
    }
  }

  return true;
}
