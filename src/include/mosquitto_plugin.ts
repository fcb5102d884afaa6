/**
 * Constants of include/mosquitto_plugin.h: the plugin interface versions, the ACL access types and the
 * message an old-style authentication plugin is asked about.
 * @module
 */

export const MOSQ_ACL_NONE = 0x00;
export const MOSQ_ACL_READ = 0x01;
export const MOSQ_ACL_WRITE = 0x02;
export const MOSQ_ACL_SUBSCRIBE = 0x04;
export const MOSQ_ACL_UNSUBSCRIBE = 0x08;

/** The generic (event callback) plugin interface is version 5. */
export const MOSQ_PLUGIN_VERSION = 5;

/** The last version of the older authentication-only plugin interface. */
export const MOSQ_AUTH_PLUGIN_VERSION = 4;

/** struct mosquitto_acl_msg: the message an authentication plugin (v3/v4) is asked about. */
export interface mosquitto_acl_msg {
  topic: string;
  payload: Buffer | null;
  payloadlen: number;
  qos: number;
  retain: boolean;
}

/**
 * A C out-parameter (`T *`): the plugin writes its answer into `value`.
 * TS only: JS functions cannot write through a pointer.
 */
export interface mosq_out<T> {
  value: T;
}
