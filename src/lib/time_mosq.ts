/**
 * The monotonic clock of lib/time_mosq.c.
 * @module
 */

/**
 * Seconds on a clock that never goes backwards, for timeouts and keepalive.
 * @adapted process.hrtime replaces clock_gettime(CLOCK_MONOTONIC)
 */
export function mosquitto_time(): number {
  return Number(process.hrtime.bigint() / 1000000000n);
}
