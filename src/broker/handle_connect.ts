/**
 * CONNECT handling of src/handle_connect.c: parsing and validating the packet, authenticating
 * the client, taking over an existing session with the same client id, and sending CONNACK.
 * @module
 */
import {
  MOSQ_ERR_AUTH,
  MOSQ_ERR_AUTH_CONTINUE,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PAYLOAD_SIZE,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_NOTICE,
} from '../include/mosquitto.js';
import { MOSQ_ACL_READ } from '../include/mosquitto_plugin.js';
import {
  CMD_CONNECT,
  CMD_WILL,
  CONNACK_ACCEPTED,
  CONNACK_REFUSED_BAD_USERNAME_PASSWORD,
  CONNACK_REFUSED_IDENTIFIER_REJECTED,
  CONNACK_REFUSED_NOT_AUTHORIZED,
  CONNACK_REFUSED_PROTOCOL_VERSION,
  MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER,
  MQTT_PROP_AUTHENTICATION_DATA,
  MQTT_PROP_AUTHENTICATION_METHOD,
  MQTT_PROP_SERVER_KEEP_ALIVE,
  MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
  MQTT_RC_BAD_AUTHENTICATION_METHOD,
  MQTT_RC_BAD_USERNAME_OR_PASSWORD,
  MQTT_RC_CONTINUE_AUTHENTICATION,
  MQTT_RC_NOT_AUTHORIZED,
  MQTT_RC_PACKET_TOO_LARGE,
  MQTT_RC_QOS_NOT_SUPPORTED,
  MQTT_RC_RETAIN_NOT_SUPPORTED,
  MQTT_RC_UNSPECIFIED,
  PROTOCOL_NAME,
  PROTOCOL_NAME_v31,
  PROTOCOL_VERSION_v31,
  PROTOCOL_VERSION_v311,
  PROTOCOL_VERSION_v5,
} from '../include/mqtt_protocol.js';
import { X509_NAME_get_first_CN, X509_NAME_print_rfc2253 } from '../deps/openssl.js';
import { DL_DELETE } from '../deps/utlist.js';
import {
  mosq_cs_active,
  mosq_cs_authenticating,
  mosq_cs_duplicate,
  mosq_cs_new,
  mosq_md_out,
  mosq_p_mqtt31,
  mosq_p_mqtt311,
  mosq_p_mqtt5,
} from '../lib/mosquitto_internal.js';
import type { mosquitto, mosquitto_message_all } from '../lib/mosquitto_internal.js';
import {
  packet__read_binary,
  packet__read_byte,
  packet__read_bytes,
  packet__read_string,
  packet__read_uint16,
} from '../lib/packet_datatypes.js';
import {
  mosquitto_property_add_binary,
  mosquitto_property_add_int16,
  mosquitto_property_add_string,
  mosquitto_property_read_binary,
  mosquitto_property_read_string,
  property__read_all,
} from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { mosquitto_pub_topic_check } from '../lib/util_topic.js';
import { mosquitto__set_state, util__random_bytes } from '../lib/util_mosq.js';
import { will__clear } from '../lib/will_mosq.js';
import { context__send_will, msg_data__new } from './context.js';
import { db__message_reconnect_reset, db__message_write_inflight_out_all, db__message_write_queued_out, db__msg_store_ref_dec } from './database.js';
import { keepalive__add } from './keepalive.js';
import { log__printf } from './logging.js';
import { do_disconnect } from './loop.js';
import { db } from './mosquitto_broker_internal.js';
import type { mosquitto_client_msg } from './mosquitto_broker_internal.js';
import { property__process_connect, property__process_will } from './property_broker.js';
import { mosquitto_acl_check, mosquitto_security_auth_start, mosquitto_unpwd_check } from './security.js';
import { acl__find_acls } from './security_default.js';
import { send__auth } from './send_auth.js';
import { send__connack } from './send_connack.js';
import { session_expiry__remove } from './session_expiry.js';
import { sub__clean_session } from './subs.js';
import { g } from './sys_tree.js';
import { will_delay__remove } from './will_delay.js';

const UINT32_MAX = 0xffffffff;

/** One hex digit, upper case, as mosquitto writes generated client ids. */
function nibble_to_hex(value: number): string {
  return value < 0x0a ? String.fromCharCode(48 + value) : String.fromCharCode(65 + value - 10);
}

/**
 * A random client id for a client that sent an empty one: the prefix then 36 characters in the
 * 8-4-4-4-12 shape, each byte written low nibble first as mosquitto does.
 * @adapted returns the id; its length is the string's
 */
function client_id_gen(auto_id_prefix: string | null): string | null {
  const rnd = Buffer.alloc(16);
  if (util__random_bytes(rnd, 16)) return null;
  let client_id = auto_id_prefix ?? '';
  let pos = 0;
  for (let i = 0; i < 16; i++) {
    client_id += nibble_to_hex(rnd[i] & 0x0f) + nibble_to_hex((rnd[i] >> 4) & 0x0f);
    pos += 2;
    if (pos === 8 || pos === 13 || pos === 18 || pos === 23) {
      client_id += '-';
      pos++;
    }
  }
  return client_id;
}

/**
 * Drops outgoing queued messages the client may no longer read (its username may have changed).
 * @adapted returns the new list head instead of writing through a pointer to it
 */
function connection_check_acl(context: mosquitto, head: mosquitto_client_msg | null): mosquitto_client_msg | null {
  let msg_tail = head;
  while (msg_tail) {
    const next = msg_tail.next;
    if (msg_tail.direction === mosq_md_out) {
      const store = msg_tail.store;
      if (mosquitto_acl_check(context, store.topic!, store.payloadlen, store.payload, store.qos, store.retain, MOSQ_ACL_READ) !== MOSQ_ERR_SUCCESS) {
        head = DL_DELETE(head!, msg_tail);
        db__msg_store_ref_dec(store);
        msg_tail.properties = null;
      }
    }
    msg_tail = next;
  }
  return head;
}

/**
 * Finishes a successful login: takes over any session with the same client id, attaches ACLs,
 * indexes the client by id, sends CONNACK (with the MQTT 5 properties the broker imposes), then
 * delivers whatever the session had queued.
 */
export function connect__on_authorised(context: mosquitto, auth_data_out: Buffer | null): number {
  let connect_ack = 0;
  let rc: number;

  /* Only now, after the security checks, look for an existing session. */
  const found_context = db.contexts_by_id.get(context.id!);
  if (found_context) {
    if (found_context.sock) {
      /* The old connection is closed by do_disconnect below. */
      if (db.config!.connection_messages) {
        log__printf(null, MOSQ_LOG_ERR, `Client ${context.id} already connected, closing old connection.`);
      }
    }

    if (context.clean_start === false && found_context.session_expiry_interval > 0) {
      if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt5) {
        connect_ack |= 0x01;
      }

      if (found_context.msgs_in.inflight || found_context.msgs_in.queued
          || found_context.msgs_out.inflight || found_context.msgs_out.queued) {
        /* The session's messages move over; the new connection's flow-control limits stay. */
        const in_quota = context.msgs_in.inflight_quota;
        const out_quota = context.msgs_out.inflight_quota;
        const in_maximum = context.msgs_in.inflight_maximum;
        const out_maximum = context.msgs_out.inflight_maximum;

        context.msgs_in = found_context.msgs_in;
        context.msgs_out = found_context.msgs_out;
        found_context.msgs_in = msg_data__new(0);
        found_context.msgs_out = msg_data__new(0);

        context.msgs_in.inflight_quota = in_quota;
        context.msgs_out.inflight_quota = out_quota;
        context.msgs_in.inflight_maximum = in_maximum;
        context.msgs_out.inflight_maximum = out_maximum;

        db__message_reconnect_reset(context);
      }
      context.subs = found_context.subs;
      found_context.subs = [];
      context.sub_count = found_context.sub_count;
      found_context.sub_count = 0;
      context.last_mid = found_context.last_mid;

      for (let i = 0; i < context.sub_count; i++) {
        const hier = context.subs[i];
        if (hier) {
          for (let leaf = hier.subs; leaf; leaf = leaf.next) {
            if (leaf.context === found_context) {
              leaf.context = context;
            }
          }
        }
      }
    }

    if (context.clean_start === true) {
      sub__clean_session(found_context);
    }
    if ((found_context.protocol === mosq_p_mqtt5 && found_context.session_expiry_interval === 0)
        || (found_context.protocol !== mosq_p_mqtt5 && found_context.clean_start === true)
        || (context.clean_start === true)) {
      context__send_will(found_context);
    }

    session_expiry__remove(found_context);
    will_delay__remove(found_context);
    will__clear(found_context);

    found_context.clean_start = true;
    found_context.session_expiry_interval = 0;
    mosquitto__set_state(found_context, mosq_cs_duplicate);
    do_disconnect(found_context, MOSQ_ERR_SUCCESS);
  }

  rc = acl__find_acls(context);
  if (rc) {
    return rc;
  }

  if (db.config!.connection_messages) {
    const kind = context.is_bridge ? 'bridge' : 'client';
    const user = context.username ? `, u'${context.username}'` : '';
    log__printf(null, MOSQ_LOG_NOTICE, `New ${kind} connected from ${context.address}:${context.remote_port} as ${context.id} `
      + `(p${context.protocol}, c${context.clean_start ? 1 : 0}, k${context.keepalive}${user}).`);
    if (context.will) {
      log__printf(null, MOSQ_LOG_DEBUG, `Will message specified (${context.will.msg.payloadlen} bytes) `
        + `(r${context.will.msg.retain ? 1 : 0}, q${context.will.msg.qos}).`);
      log__printf(null, MOSQ_LOG_DEBUG, `\t${context.will.msg.topic}`);
    } else {
      log__printf(null, MOSQ_LOG_DEBUG, 'No will message specified.');
    }
  }

  context.ping_t = 0;
  context.is_dropping = false;

  context.msgs_in.inflight = connection_check_acl(context, context.msgs_in.inflight);
  context.msgs_in.queued = connection_check_acl(context, context.msgs_in.queued);
  context.msgs_out.inflight = connection_check_acl(context, context.msgs_out.inflight);
  context.msgs_out.queued = connection_check_acl(context, context.msgs_out.queued);

  db.contexts_by_id.set(context.id!, context);
  context.removed_from_by_id = false;

  if (!context.clean_start) {
    db.persistence_changes++;
  }
  context.max_qos = context.listener!.max_qos;

  let connack_props: mosquitto_property[] | null = null;
  if (context.protocol === mosq_p_mqtt5) {
    if (context.listener!.max_topic_alias > 0) {
      connack_props = mosquitto_property_add_int16(connack_props, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, context.listener!.max_topic_alias).proplist;
    }
    if (db.config!.max_keepalive
        && (context.keepalive > db.config!.max_keepalive || context.keepalive === 0)) {
      context.keepalive = db.config!.max_keepalive;
      connack_props = mosquitto_property_add_int16(connack_props, MQTT_PROP_SERVER_KEEP_ALIVE, context.keepalive).proplist;
    }
    if (context.assigned_id) {
      connack_props = mosquitto_property_add_string(connack_props, MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER, context.id!).proplist;
    }
    if (context.auth_method) {
      connack_props = mosquitto_property_add_string(connack_props, MQTT_PROP_AUTHENTICATION_METHOD, context.auth_method).proplist;
      if (auth_data_out && auth_data_out.length > 0) {
        connack_props = mosquitto_property_add_binary(connack_props, MQTT_PROP_AUTHENTICATION_DATA, auth_data_out, auth_data_out.length).proplist;
      }
    }
  }

  keepalive__add(context);

  mosquitto__set_state(context, mosq_cs_active);
  rc = send__connack(context, connect_ack, CONNACK_ACCEPTED, connack_props);
  if (rc) return rc;
  rc = db__message_write_queued_out(context);
  if (rc) return rc;
  rc = db__message_write_inflight_out_all(context);
  return rc;
}

/**
 * Reads the will part of CONNECT: its properties (MQTT 5), topic (with the listener's mount
 * point), and payload, refusing a payload over message_size_limit.
 * @adapted returns the will with the code instead of through an out-parameter
 */
function will__read(context: mosquitto, client_id: string | null, will_qos: number, will_retain: boolean): { rc: number; will: mosquitto_message_all | null } {
  const will_struct: mosquitto_message_all = {
    properties: null,
    timestamp: 0,
    state: 0,
    dup: false,
    msg: { mid: 0, topic: null, payload: null, payloadlen: 0, qos: 0, retain: false },
    expiry_interval: 0,
  };
  const fail = (rc: number): { rc: number; will: null } => ({ rc, will: null });

  if (context.protocol === PROTOCOL_VERSION_v5) {
    const props = property__read_all(CMD_WILL, context.in_packet);
    if (props.rc) return fail(props.rc);
    const rc = property__process_will(context, will_struct, props.properties);
    if (rc) return fail(rc);
  }
  const topic = packet__read_string(context.in_packet);
  if (topic.rc) return fail(topic.rc);
  if (!topic.length) {
    return fail(MOSQ_ERR_PROTOCOL);
  }
  will_struct.msg.topic = topic.str;

  if (context.listener!.mount_point) {
    will_struct.msg.topic = context.listener!.mount_point + will_struct.msg.topic;
  }

  let rc = mosquitto_pub_topic_check(will_struct.msg.topic!);
  if (rc) return fail(rc);

  const payloadlen = packet__read_uint16(context.in_packet);
  if (payloadlen.rc) return fail(payloadlen.rc);

  will_struct.msg.payloadlen = payloadlen.value;
  if (will_struct.msg.payloadlen > 0) {
    if (db.config!.message_size_limit && will_struct.msg.payloadlen > db.config!.message_size_limit) {
      log__printf(null, MOSQ_LOG_DEBUG, `Client ${client_id} connected with too large Will payload`);
      if (context.protocol === mosq_p_mqtt5) {
        send__connack(context, 0, MQTT_RC_PACKET_TOO_LARGE, null);
      } else {
        send__connack(context, 0, CONNACK_REFUSED_NOT_AUTHORIZED, null);
      }
      return fail(MOSQ_ERR_PAYLOAD_SIZE);
    }
    const payload = packet__read_bytes(context.in_packet, will_struct.msg.payloadlen);
    rc = payload.rc;
    if (rc) return fail(rc);
    will_struct.msg.payload = Buffer.from(payload.data);
  }

  will_struct.msg.qos = will_qos;
  will_struct.msg.retain = will_retain;
  return { rc: MOSQ_ERR_SUCCESS, will: will_struct };
}

/**
 * Refuses the connection: sends the CONNACK refusal that matches the protocol (MQTT 5 reason
 * code or 3.1.1 return code).
 * @tsonly the C repeats this two-way choice inline at every refusal
 */
function connack_refuse(context: mosquitto, v5_reason: number, v3_code: number): void {
  send__connack(context, 0, context.protocol === mosq_p_mqtt5 ? v5_reason : v3_code, null);
}

/**
 * Handles CONNECT: every check of mosquitto in its order, then authentication (password or
 * MQTT 5 extended auth) and connect__on_authorised.
 */
export function handle__connect(context: mosquitto): number {
  let rc: number;
  let client_id: string | null;
  let will_struct: mosquitto_message_all | null = null;
  let username: string | null = null;
  let password: Buffer | null = null;
  let auth_data: Buffer | null = null;

  g.g_connection_count++;

  if (!context.listener) {
    return MOSQ_ERR_INVAL;
  }

  const error = (code: number): number => {
    /* The context is freed later; make sure it leaves no session or will behind. */
    context.will = null;
    context.clean_start = true;
    context.session_expiry_interval = 0;
    context.will_delay_interval = 0;
    return code;
  };

  /* Only one CONNECT per connection. */
  if (context.state !== mosq_cs_new) {
    log__printf(null, MOSQ_LOG_NOTICE, `Bad client ${context.id} sending multiple CONNECT messages.`);
    return error(MOSQ_ERR_PROTOCOL);
  }

  /* The protocol name is read as length + bytes so its length can be checked first. */
  const slen = packet__read_uint16(context.in_packet);
  if (slen.rc) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  if (slen.value !== 4 /* MQTT */ && slen.value !== 6 /* MQIsdp */) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  const name_bytes = packet__read_bytes(context.in_packet, slen.value);
  if (name_bytes.rc) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  const protocol_name = name_bytes.data.toString('latin1');
  const version_byte = packet__read_byte(context.in_packet);
  if (version_byte.rc) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  const protocol_version = version_byte.value;

  if (protocol_name === PROTOCOL_NAME_v31) {
    if ((protocol_version & 0x7f) !== PROTOCOL_VERSION_v31) {
      if (db.config!.connection_messages) {
        log__printf(null, MOSQ_LOG_INFO, `Invalid protocol version ${protocol_version} in CONNECT from ${context.address}.`);
      }
      send__connack(context, 0, CONNACK_REFUSED_PROTOCOL_VERSION, null);
      return error(MOSQ_ERR_PROTOCOL);
    }
    context.protocol = mosq_p_mqtt31;
    if ((protocol_version & 0x80) === 0x80) {
      context.is_bridge = true;
    }
  } else if (protocol_name === PROTOCOL_NAME) {
    if ((protocol_version & 0x7f) === PROTOCOL_VERSION_v311) {
      context.protocol = mosq_p_mqtt311;
      if ((protocol_version & 0x80) === 0x80) {
        context.is_bridge = true;
      }
    } else if ((protocol_version & 0x7f) === PROTOCOL_VERSION_v5) {
      context.protocol = mosq_p_mqtt5;
    } else {
      if (db.config!.connection_messages) {
        log__printf(null, MOSQ_LOG_INFO, `Invalid protocol version ${protocol_version} in CONNECT from ${context.address}.`);
      }
      send__connack(context, 0, CONNACK_REFUSED_PROTOCOL_VERSION, null);
      return error(MOSQ_ERR_PROTOCOL);
    }
    if ((context.in_packet.command & 0x0f) !== 0x00) {
      /* Reserved flags must be zero. */
      return error(MOSQ_ERR_PROTOCOL);
    }
  } else {
    if (db.config!.connection_messages) {
      log__printf(null, MOSQ_LOG_INFO, `Invalid protocol "${protocol_name}" in CONNECT from ${context.address}.`);
    }
    return error(MOSQ_ERR_PROTOCOL);
  }

  const flags_byte = packet__read_byte(context.in_packet);
  if (flags_byte.rc) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  const connect_flags = flags_byte.value;
  if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt5) {
    if ((connect_flags & 0x01) !== 0x00) {
      return error(MOSQ_ERR_PROTOCOL);
    }
  }

  const clean_start = ((connect_flags & 0x02) >> 1) === 1;
  /* MQTT 5 sets the real value from the properties below. */
  if (clean_start === false && protocol_version !== PROTOCOL_VERSION_v5) {
    /* For MQTT 3.x a persistent session never expires. */
    context.session_expiry_interval = UINT32_MAX;
  } else {
    context.session_expiry_interval = 0;
  }
  const will = connect_flags & 0x04;
  const will_qos = (connect_flags & 0x18) >> 3;
  if (will_qos === 3) {
    log__printf(null, MOSQ_LOG_INFO, `Invalid Will QoS in CONNECT from ${context.address}.`);
    return error(MOSQ_ERR_PROTOCOL);
  }
  const will_retain = (connect_flags & 0x20) === 0x20;
  const password_flag = connect_flags & 0x40;
  const username_flag = connect_flags & 0x80;

  if (will && will_retain && db.config!.retain_available === false) {
    if (protocol_version === mosq_p_mqtt5) {
      send__connack(context, 0, MQTT_RC_RETAIN_NOT_SUPPORTED, null);
    }
    return error(MOSQ_ERR_NOT_SUPPORTED);
  }

  const keepalive = packet__read_uint16(context.in_packet);
  if (keepalive.rc) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  context.keepalive = keepalive.value;

  let properties: mosquitto_property[] | null = null;
  if (protocol_version === PROTOCOL_VERSION_v5) {
    const props = property__read_all(CMD_CONNECT, context.in_packet);
    if (props.rc) return error(props.rc);
    properties = props.properties;
  }
  property__process_connect(context, properties);

  if (will && will_qos > context.listener.max_qos) {
    if (protocol_version === mosq_p_mqtt5) {
      send__connack(context, 0, MQTT_RC_QOS_NOT_SUPPORTED, null);
    }
    return error(MOSQ_ERR_NOT_SUPPORTED);
  }

  const auth_method = mosquitto_property_read_string(properties, MQTT_PROP_AUTHENTICATION_METHOD, false);
  if (auth_method) {
    context.auth_method = auth_method.value;
    const data = mosquitto_property_read_binary(properties, MQTT_PROP_AUTHENTICATION_DATA, false);
    auth_data = data ? data.value : null;
  }

  const id = packet__read_string(context.in_packet);
  if (id.rc) {
    return error(MOSQ_ERR_PROTOCOL);
  }
  client_id = id.str;

  if (id.length === 0) {
    if (context.protocol === mosq_p_mqtt31) {
      send__connack(context, 0, CONNACK_REFUSED_IDENTIFIER_REJECTED, null);
      return error(MOSQ_ERR_PROTOCOL);
    }
    /* MQTT 3.1.1 and 5: the broker may assign an id. */
    const security = db.config!.per_listener_settings ? context.listener.security_options : db.config!.security_options;
    if ((context.protocol === mosq_p_mqtt311 && clean_start === false) || security.allow_zero_length_clientid === false) {
      connack_refuse(context, MQTT_RC_UNSPECIFIED, CONNACK_REFUSED_IDENTIFIER_REJECTED);
      return error(MOSQ_ERR_PROTOCOL);
    }
    client_id = client_id_gen(security.auto_id_prefix);
    if (!client_id) {
      return error(MOSQ_ERR_NOMEM);
    }
    context.assigned_id = true;
  }

  /* clientid_prefixes check */
  if (db.config!.clientid_prefixes) {
    if (!client_id!.startsWith(db.config!.clientid_prefixes)) {
      connack_refuse(context, MQTT_RC_NOT_AUTHORIZED, CONNACK_REFUSED_NOT_AUTHORIZED);
      return error(MOSQ_ERR_AUTH);
    }
  }

  if (will) {
    const read = will__read(context, client_id, will_qos, will_retain);
    if (read.rc) return error(read.rc);
    will_struct = read.will;
  } else if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt5) {
    if (will_qos !== 0 || will_retain) {
      return error(MOSQ_ERR_PROTOCOL);
    }
  }

  if (username_flag) {
    const user = packet__read_string(context.in_packet);
    if (user.rc === MOSQ_ERR_NOMEM) {
      return error(MOSQ_ERR_NOMEM);
    } else if (user.rc !== MOSQ_ERR_SUCCESS) {
      if (context.protocol === mosq_p_mqtt31) {
        /* MQTT 3.1 tolerates a username flag with no username: carry on without one. */
      } else {
        return error(MOSQ_ERR_PROTOCOL);
      }
    } else {
      username = user.str;
    }
  } else if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt31) {
    if (password_flag) {
      /* A password without a username is forbidden before MQTT 5. */
      log__printf(null, MOSQ_LOG_ERR, `Protocol error from ${client_id}: password without username, closing connection.`);
      return error(MOSQ_ERR_PROTOCOL);
    }
  }
  if (password_flag) {
    const pass = packet__read_binary(context.in_packet);
    if (pass.rc === MOSQ_ERR_NOMEM) {
      return error(MOSQ_ERR_NOMEM);
    } else if (pass.rc === MOSQ_ERR_PROTOCOL) {
      if (context.protocol !== mosq_p_mqtt31) {
        return error(MOSQ_ERR_PROTOCOL);
      }
      /* MQTT 3.1 tolerates a password flag with no password. */
    } else if (pass.rc === MOSQ_ERR_SUCCESS) {
      password = pass.data ? Buffer.from(pass.data) : null;
    }
  }

  if (context.in_packet.pos !== context.in_packet.remaining_length) {
    /* Bytes left over at the end of the packet. */
    return error(MOSQ_ERR_PROTOCOL);
  }

  /* From here on an error must clear context.id again, so the id index is left alone. */
  context.id = client_id;

  const listener = context.listener;
  if (listener.ssl_ctx && (listener.use_identity_as_username || listener.use_subject_as_username)) {
    /* The username and password of the CONNECT are not used. */
    if (!context.ssl) {
      connack_refuse(context, MQTT_RC_BAD_USERNAME_OR_PASSWORD, CONNACK_REFUSED_BAD_USERNAME_PASSWORD);
      return error(MOSQ_ERR_AUTH);
    }
    if (listener.psk_hint) {
      /* The PSK identity became the username during the handshake. */
      if (!context.username) {
        connack_refuse(context, MQTT_RC_BAD_USERNAME_OR_PASSWORD, CONNACK_REFUSED_BAD_USERNAME_PASSWORD);
        return error(MOSQ_ERR_AUTH);
      }
    } else {
      const client_cert = context.ssl.getPeerX509Certificate();
      if (!client_cert) {
        connack_refuse(context, MQTT_RC_BAD_USERNAME_OR_PASSWORD, CONNACK_REFUSED_BAD_USERNAME_PASSWORD);
        return error(MOSQ_ERR_AUTH);
      }
      if (listener.use_identity_as_username) {
        const name = X509_NAME_get_first_CN(context.ssl);
        if (name === null) {
          connack_refuse(context, MQTT_RC_BAD_USERNAME_OR_PASSWORD, CONNACK_REFUSED_BAD_USERNAME_PASSWORD);
          return error(MOSQ_ERR_AUTH);
        }
        context.username = name;
        /* A NUL inside the CN would cut the name short in C: refuse it. */
        if (name.includes('\0')) {
          connack_refuse(context, MQTT_RC_BAD_USERNAME_OR_PASSWORD, CONNACK_REFUSED_BAD_USERNAME_PASSWORD);
          return error(MOSQ_ERR_AUTH);
        }
      } else {
        context.username = X509_NAME_print_rfc2253(client_cert);
      }
      if (!context.username) {
        return error(MOSQ_ERR_AUTH);
      }
    }
  } else {
    context.username = username;
    context.password = password;
  }

  if (context.listener.use_username_as_clientid) {
    if (context.username) {
      context.id = context.username;
    } else {
      connack_refuse(context, MQTT_RC_NOT_AUTHORIZED, CONNACK_REFUSED_NOT_AUTHORIZED);
      return error(MOSQ_ERR_AUTH);
    }
  }
  context.clean_start = clean_start;
  context.will = will_struct;

  if (context.auth_method) {
    const auth = mosquitto_security_auth_start(context, false, auth_data);
    rc = auth.rc;
    if (rc === MOSQ_ERR_SUCCESS) {
      return connect__on_authorised(context, auth.auth_data_out);
    } else if (rc === MOSQ_ERR_AUTH_CONTINUE) {
      mosquitto__set_state(context, mosq_cs_authenticating);
      return send__auth(context, MQTT_RC_CONTINUE_AUTHENTICATION, auth.auth_data_out);
    }
    will__clear(context);
    if (rc === MOSQ_ERR_AUTH) {
      send__connack(context, 0, MQTT_RC_NOT_AUTHORIZED, null);
    } else if (rc === MOSQ_ERR_NOT_SUPPORTED) {
      /* Extended authentication was asked for, but no plugin offers it. */
      send__connack(context, 0, MQTT_RC_BAD_AUTHENTICATION_METHOD, null);
    }
    context.id = null;
    return error(rc);
  }

  if (listener.ssl_ctx && (listener.use_identity_as_username || listener.use_subject_as_username)) {
    /* The certificate or PSK identity was the authentication. */
  } else {
    rc = mosquitto_unpwd_check(context);
    if (rc !== MOSQ_ERR_SUCCESS) {
      /* Without an id the context is not removed from the id index later. */
      context.id = null;
    }
    switch (rc) {
      case MOSQ_ERR_SUCCESS:
        break;
      case MOSQ_ERR_AUTH:
        connack_refuse(context, MQTT_RC_NOT_AUTHORIZED, CONNACK_REFUSED_NOT_AUTHORIZED);
        return error(MOSQ_ERR_AUTH);
      default:
        return error(MOSQ_ERR_UNKNOWN);
    }
  }
  return connect__on_authorised(context, null);
}
