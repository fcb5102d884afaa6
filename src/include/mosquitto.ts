/**
 * Constants of include/mosquitto.h: error codes, log levels, option ids.
 * @module
 */

export const MOSQ_LOG_NONE = 0;
export const MOSQ_LOG_INFO = (1<<0);
export const MOSQ_LOG_NOTICE = (1<<1);
export const MOSQ_LOG_WARNING = (1<<2);
export const MOSQ_LOG_ERR = (1<<3);
export const MOSQ_LOG_DEBUG = (1<<4);
export const MOSQ_LOG_SUBSCRIBE = (1<<5);
export const MOSQ_LOG_UNSUBSCRIBE = (1<<6);
export const MOSQ_LOG_WEBSOCKETS = (1<<7);
export const MOSQ_LOG_INTERNAL = 0x80000000;
export const MOSQ_LOG_ALL = 0xFFFFFFFF;
export const MOSQ_MQTT_ID_MAX_LENGTH = 23;
export const MQTT_PROTOCOL_V31 = 3;
export const MQTT_PROTOCOL_V311 = 4;
export const MQTT_PROTOCOL_V5 = 5;

/** enum mosq_err_t */
export const MOSQ_ERR_AUTH_CONTINUE = -4;
export const MOSQ_ERR_NO_SUBSCRIBERS = -3;
export const MOSQ_ERR_SUB_EXISTS = -2;
export const MOSQ_ERR_CONN_PENDING = -1;
export const MOSQ_ERR_SUCCESS = 0;
export const MOSQ_ERR_NOMEM = 1;
export const MOSQ_ERR_PROTOCOL = 2;
export const MOSQ_ERR_INVAL = 3;
export const MOSQ_ERR_NO_CONN = 4;
export const MOSQ_ERR_CONN_REFUSED = 5;
export const MOSQ_ERR_NOT_FOUND = 6;
export const MOSQ_ERR_CONN_LOST = 7;
export const MOSQ_ERR_TLS = 8;
export const MOSQ_ERR_PAYLOAD_SIZE = 9;
export const MOSQ_ERR_NOT_SUPPORTED = 10;
export const MOSQ_ERR_AUTH = 11;
export const MOSQ_ERR_ACL_DENIED = 12;
export const MOSQ_ERR_UNKNOWN = 13;
export const MOSQ_ERR_ERRNO = 14;
export const MOSQ_ERR_EAI = 15;
export const MOSQ_ERR_PROXY = 16;
export const MOSQ_ERR_PLUGIN_DEFER = 17;
export const MOSQ_ERR_MALFORMED_UTF8 = 18;
export const MOSQ_ERR_KEEPALIVE = 19;
export const MOSQ_ERR_LOOKUP = 20;
export const MOSQ_ERR_MALFORMED_PACKET = 21;
export const MOSQ_ERR_DUPLICATE_PROPERTY = 22;
export const MOSQ_ERR_TLS_HANDSHAKE = 23;
export const MOSQ_ERR_QOS_NOT_SUPPORTED = 24;
export const MOSQ_ERR_OVERSIZE_PACKET = 25;
export const MOSQ_ERR_OCSP = 26;
export const MOSQ_ERR_TIMEOUT = 27;
export const MOSQ_ERR_RETAIN_NOT_SUPPORTED = 28;
export const MOSQ_ERR_TOPIC_ALIAS_INVALID = 29;
export const MOSQ_ERR_ADMINISTRATIVE_ACTION = 30;
export const MOSQ_ERR_ALREADY_EXISTS = 31;

/** enum mosq_opt_t */
export const MOSQ_OPT_PROTOCOL_VERSION = 1;
export const MOSQ_OPT_SSL_CTX = 2;
export const MOSQ_OPT_SSL_CTX_WITH_DEFAULTS = 3;
export const MOSQ_OPT_RECEIVE_MAXIMUM = 4;
export const MOSQ_OPT_SEND_MAXIMUM = 5;
export const MOSQ_OPT_TLS_KEYFORM = 6;
export const MOSQ_OPT_TLS_ENGINE = 7;
export const MOSQ_OPT_TLS_ENGINE_KPASS_SHA1 = 8;
export const MOSQ_OPT_TLS_OCSP_REQUIRED = 9;
export const MOSQ_OPT_TLS_ALPN = 10;
export const MOSQ_OPT_TCP_NODELAY = 11;
export const MOSQ_OPT_BIND_ADDRESS = 12;
export const MOSQ_OPT_TLS_USE_OS_CERTS = 13;
