/**
 * The doubly linked list operations of uthash's deps/utlist.h (DL_APPEND, DL_PREPEND, DL_DELETE),
 * which mosquitto uses for client message queues, subscription leaves and expiry lists.
 *
 * As in utlist, the head's `prev` points at the tail so appending is O(1), and the tail's `next`
 * is null. The macros become functions that return the new head, because TS cannot assign
 * through the head argument the way the C macros do.
 * @module
 */

/** A node of a utlist doubly linked list. */
export interface dl_node<T> {
  prev: T | null;
  next: T | null;
}

/**
 * Appends `add` at the tail; returns the head.
 * @c deps/utlist.h DL_APPEND
 * @adapted a macro in C; returns the head instead of writing through it
 */
export function DL_APPEND<T extends dl_node<T>>(head: T | null, add: T): T {
  if (head) {
    add.prev = head.prev;
    head.prev!.next = add;
    head.prev = add;
    add.next = null;
    return head;
  }
  add.prev = add;
  add.next = null;
  return add;
}

/**
 * Inserts `add` before the head; returns the new head.
 * @c deps/utlist.h DL_PREPEND
 * @adapted a macro in C; returns the head instead of writing through it
 */
export function DL_PREPEND<T extends dl_node<T>>(head: T | null, add: T): T {
  add.next = head;
  if (head) {
    add.prev = head.prev;
    head.prev = add;
  } else {
    add.prev = add;
  }
  return add;
}

/**
 * Unlinks `del` from the list; returns the head.
 * @c deps/utlist.h DL_DELETE
 * @adapted a macro in C; returns the head instead of writing through it
 */
export function DL_DELETE<T extends dl_node<T>>(head: T, del: T): T | null {
  if (del.prev === del) {
    head = null as unknown as T;
  } else if (del === head) {
    del.next!.prev = del.prev;
    head = del.next!;
  } else {
    del.prev!.next = del.next;
    if (del.next) {
      del.next.prev = del.prev;
    } else {
      head.prev = del.prev;
    }
  }
  del.prev = null;
  del.next = null;
  return head;
}

/**
 * Inserts `add` before the first element that does not sort before it; returns the head.
 * @c deps/utlist.h DL_INSERT_INORDER
 * @adapted a macro in C; returns the head instead of writing through it
 */
export function DL_INSERT_INORDER<T extends dl_node<T>>(head: T | null, add: T, cmp: (a: T, b: T) => number): T {
  if (!head) {
    add.prev = add;
    add.next = null;
    return add;
  }
  if (cmp(head, add) >= 0) {
    return DL_PREPEND(head, add);
  }
  let el = head;
  while (el.next && cmp(el.next, add) < 0) el = el.next;
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

/**
 * Counts the elements of a list.
 * @c deps/utlist.h DL_COUNT
 * @adapted a macro in C; returns the count instead of writing through it
 */
export function DL_COUNT<T extends dl_node<T>>(head: T | null): number {
  let n = 0;
  for (let el = head; el; el = el.next) n++;
  return n;
}
