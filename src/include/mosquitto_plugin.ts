/**
 * Constants of include/mosquitto_plugin.h: the ACL access types.
 * @module
 */

export const MOSQ_ACL_NONE = 0x00;
export const MOSQ_ACL_READ = 0x01;
export const MOSQ_ACL_WRITE = 0x02;
export const MOSQ_ACL_SUBSCRIBE = 0x04;
export const MOSQ_ACL_UNSUBSCRIBE = 0x08;
