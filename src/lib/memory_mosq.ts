/**
 * The memory accounting of lib/memory_mosq.c, as far as the broker reports it in `$SYS`.
 *
 * C wraps malloc/calloc/realloc/free to keep a running byte count (Debian's build has
 * WITH_MEMORY_TRACKING on, so `$SYS/broker/heap/current` and `heap/maximum` are published).
 * Node has no allocator to wrap: the wrappers themselves have no counterpart, and the two
 * readings below sample the V8 heap instead.
 * @module
 */

/** The largest heap size seen by any reading so far. */
let max_memcount = 0;

/**
 * Bytes the broker has in use right now.
 * @adapted reads the V8 heap (process.memoryUsage().heapUsed) instead of a count kept by malloc wrappers
 */
export function mosquitto__memory_used(): number {
  const memcount = process.memoryUsage().heapUsed;
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
