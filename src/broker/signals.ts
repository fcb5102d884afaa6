/**
 * Signal handling of src/signals.c: signals only raise flags, and the main loop acts on them.
 * @module
 */

/**
 * The flags the signal handlers raise (C: the globals `run`, `flag_reload`, `flag_db_backup`,
 * `flag_tree_print`, shared between mosquitto.c, signals.c and loop.c).
 * @adapted one mutable object, because an ES module cannot let importers assign its bindings
 */
export const flags = {
  run: 0,
  flag_reload: false,
  flag_db_backup: false,
  flag_tree_print: false,
};

/** SIGHUP: reload the configuration, password and ACL files at the next loop pass. */
export function handle_sighup(): void {
  flags.flag_reload = true;
}

/** SIGINT and SIGTERM: stop cleanly. */
export function handle_sigint(): void {
  flags.run = 0;
}

/** SIGUSR1: save the persistence database at the next loop pass. */
export function handle_sigusr1(): void {
  flags.flag_db_backup = true;
}

/** SIGUSR2: print the subscription tree at the next loop pass. */
export function handle_sigusr2(): void {
  flags.flag_tree_print = true;
}
