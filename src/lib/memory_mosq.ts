/**
 * The memory accounting of lib/memory_mosq.c: how much memory the broker uses (for `$SYS`) and
 * the `memory_limit` it may not go beyond.
 *
 * C wraps malloc/calloc/realloc/free to keep a running byte count (Debian's build has
 * WITH_MEMORY_TRACKING on, so `$SYS/broker/heap/current` and `heap/maximum` are published), and
 * the wrappers refuse an allocation that would take the count past `memory_limit`. Node has no
 * allocator to wrap: the count is the V8 heap plus the memory outside it (Buffers), and the
 * limit is checked where the C allocations that grow with traffic happen (packets read and
 * written, message payloads).
 * @module
 */
import { getHeapStatistics } from 'node:v8';

/** memory_limit in bytes; 0 for none (C: mem_limit). */
let mem_limit = 0;

/**
 * Sets the most memory the broker may use (`memory_limit`); 0 lifts the limit.
 */
export function memory__set_limit(lim: number): void {
  mem_limit = lim;
}

/** The largest heap size seen by any reading so far. */
let max_memcount = 0;

/**
 * Bytes the broker has in use right now.
 * @adapted reads the V8 heap and its external memory instead of a count kept by malloc wrappers
 */
export function mosquitto__memory_used(): number {
  const heap = getHeapStatistics();
  const memcount = heap.used_heap_size + heap.external_memory;
  if (memcount > max_memcount) {
    max_memcount = memcount;
  }
  return memcount;
}

/**
 * The most bytes the broker has had in use at once.
 * @adapted the peak is the largest sampled V8 heap size, since allocations cannot be watched one by one
 */
export function mosquitto__max_memory_used(): number {
  mosquitto__memory_used();
  return max_memcount;
}

/**
 * Whether `size` more bytes may be taken under `memory_limit`: the test C's allocation wrappers
 * make before each allocation, failing it (as malloc returning NULL) when the limit would be passed.
 * @tsonly C tests inside mosquitto__malloc/__calloc/__realloc; the port has no wrappers, so the
 *   callers that allocate per packet or per message ask first
 */
export function memory__allocation_allowed(size: number): boolean {
  if (mem_limit && mosquitto__memory_used() + size > mem_limit) {
    return false;
  }
  return true;
}
