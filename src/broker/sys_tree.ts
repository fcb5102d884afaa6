/**
 * The `$SYS/broker/...` statistics tree of src/sys_tree.c, and the counters of src/sys_tree.h
 * that the rest of the broker bumps as bytes and messages pass.
 * @module
 */

/**
 * The global traffic counters (C: the `g_*` globals of sys_tree.c).
 * @adapted one mutable object, because an ES module cannot let importers assign its bindings
 */
export const g = {
  g_bytes_received: 0,
  g_bytes_sent: 0,
  g_pub_bytes_received: 0,
  g_pub_bytes_sent: 0,
  g_msgs_received: 0,
  g_msgs_sent: 0,
  g_pub_msgs_received: 0,
  g_pub_msgs_sent: 0,
  g_msgs_dropped: 0,
  g_clients_expired: 0,
  g_socket_connections: 0,
  g_connection_count: 0,
};
