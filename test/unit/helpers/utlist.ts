/**
 * Test helper: deps/utlist.ts with DL_INSERT_INORDER, for the lists kept in order (session
 * expiry, will delay). Uses the port's own DL_INSERT_INORDER once utlist.ts has it; until then a
 * copy of utlist's semantics (insert before the first element that compares >= the new one).
 */
import type { dl_node } from '../../../src/deps/utlist.js';

type utlist = typeof import('../../../src/deps/utlist.js');

/** The utlist module, with a DL_INSERT_INORDER if it lacks one. */
export function utlist_with_insert_inorder(actual: utlist): utlist {
  const existing = (actual as Record<string, unknown>).DL_INSERT_INORDER;
  if (existing) return actual;

  function DL_INSERT_INORDER<T extends dl_node<T>>(head: T | null, add: T, cmp: (a: T, b: T) => number): T {
    if (!head) {
      add.prev = add;
      add.next = null;
      return add;
    }
    let el: T | null = null;
    if (cmp(head, add) < 0) {
      el = head;
      while (el.next && cmp(el.next, add) < 0) el = el.next;
    }
    if (!el) return actual.DL_PREPEND(head, add);
    add.next = el.next;
    add.prev = el;
    el.next = add;
    if (add.next) {
      add.next.prev = add;
    } else {
      head.prev = add;
    }
    return head;
  }
  return { ...actual, DL_INSERT_INORDER } as utlist;
}
