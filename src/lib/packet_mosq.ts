/**
 * Reading and writing whole MQTT packets (lib/packet_mosq.c): the fixed header, the remaining
 * length, the outgoing queue, and the hand-off of a complete incoming packet to its handler.
 *
 * mosquitto reads from a non-blocking socket until it would block. Node instead hands the broker
 * each chunk that arrived (a `data` event); net__read serves bytes from that chunk, and running
 * out of them plays the part of EAGAIN, so packet__read keeps the C state machine unchanged.
 * @module
 */
import {
  MOSQ_ERR_CONN_LOST,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NO_CONN,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_OVERSIZE_PACKET,
  MOSQ_ERR_PAYLOAD_SIZE,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
} from '../include/mosquitto.js';
import { CMD_CONNECT, CMD_PUBLISH, MQTT_RC_PACKET_TOO_LARGE } from '../include/mqtt_protocol.js';
import { db } from '../broker/mosquitto_broker_internal.js';
import { g } from '../broker/sys_tree.js';
import { handle__packet } from '../broker/read_handle.js';
import { keepalive__update } from '../broker/keepalive.js';
import { mosq_cs_connect_pending, mosq_cs_new, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto, mosquitto__packet } from './mosquitto_internal.js';
import { memory__allocation_allowed } from './memory_mosq.js';
import { net__read, net__read_available, net__read_view, net__write } from './net_mosq.js';
import { packet__varint_bytes } from './packet_datatypes.js';
import { send__disconnect } from './send_disconnect.js';
import { mosquitto__get_state } from './util_mosq.js';

const EMPTY = Buffer.alloc(0);

/**
 * A zeroed packet, ready for its command and remaining length to be filled in.
 * @tsonly stands in for `mosquitto__calloc(1, sizeof(struct mosquitto__packet))`
 */
export function packet__new(): mosquitto__packet {
  return {
    payload: EMPTY,
    next: null,
    remaining_mult: 1,
    remaining_length: 0,
    packet_length: 0,
    to_process: 0,
    pos: 0,
    mid: 0,
    command: 0,
    remaining_count: 0,
  };
}

/**
 * Allocates an outgoing packet's buffer and writes its fixed header: the command byte and the
 * remaining length as a variable byte integer. Leaves `pos` at the start of the variable header.
 */
export function packet__alloc(packet: mosquitto__packet): number {
  const remaining_bytes = [0, 0, 0, 0, 0];
  let remaining_length = packet.remaining_length;
  let byte: number;

  packet.remaining_count = 0;
  do {
    byte = remaining_length % 128;
    remaining_length = Math.floor(remaining_length / 128);
    if (remaining_length > 0) {
      byte = byte | 0x80;
    }
    remaining_bytes[packet.remaining_count] = byte;
    packet.remaining_count++;
  } while (remaining_length > 0 && packet.remaining_count < 5);
  if (packet.remaining_count === 5) return MOSQ_ERR_PAYLOAD_SIZE;
  packet.packet_length = packet.remaining_length + 1 + packet.remaining_count;
  if (!memory__allocation_allowed(packet.packet_length)) return MOSQ_ERR_NOMEM;
  packet.payload = Buffer.allocUnsafe(packet.packet_length);
  packet.payload[0] = packet.command;
  for (let i = 0; i < packet.remaining_count; i++) {
    packet.payload[i + 1] = remaining_bytes[i];
  }
  packet.pos = 1 + packet.remaining_count;
  return MOSQ_ERR_SUCCESS;
}

/** Resets a packet to its empty state so it can be reused or dropped. */
export function packet__cleanup(packet: mosquitto__packet | null): void {
  if (!packet) return;
  packet.command = 0;
  packet.remaining_count = 0;
  packet.remaining_mult = 1;
  packet.remaining_length = 0;
  packet.payload = EMPTY;
  packet.to_process = 0;
  packet.pos = 0;
}

/**
 * Drops every queued outgoing packet and the partly read incoming one.
 * @adapted the broker is single threaded, so the C locking wrapper packet__cleanup_all adds nothing
 */
export function packet__cleanup_all_no_locks(mosq: mosquitto): void {
  if (mosq.out_packet && !mosq.current_out_packet) {
    mosq.current_out_packet = mosq.out_packet;
    mosq.out_packet = mosq.out_packet.next;
  }
  while (mosq.current_out_packet) {
    const packet = mosq.current_out_packet;
    mosq.current_out_packet = mosq.out_packet;
    if (mosq.out_packet) {
      mosq.out_packet = mosq.out_packet.next;
    }
    packet__cleanup(packet);
  }
  mosq.out_packet_count = 0;
  packet__cleanup(mosq.in_packet);
}

/**
 * Drops every queued outgoing packet and the partly read incoming one.
 * @adapted no mutexes to take in single-threaded Node
 */
export function packet__cleanup_all(mosq: mosquitto): void {
  packet__cleanup_all_no_locks(mosq);
}

/** Appends a built packet to the client's outgoing queue and starts writing it. */
export function packet__queue(mosq: mosquitto, packet: mosquitto__packet): number {
  packet.pos = 0;
  packet.to_process = packet.packet_length;
  packet.next = null;
  if (mosq.out_packet) {
    mosq.out_packet_last!.next = packet;
  } else {
    mosq.out_packet = packet;
  }
  mosq.out_packet_last = packet;
  mosq.out_packet_count++;
  return packet__write(mosq);
}

/**
 * Says whether a packet of this remaining length fits the peer's maximum packet size.
 */
export function packet__check_oversize(mosq: mosquitto, remaining_length: number): number {
  if (mosq.maximum_packet_size === 0) return MOSQ_ERR_SUCCESS;
  const len = remaining_length + packet__varint_bytes(remaining_length);
  if (len > mosq.maximum_packet_size) {
    return MOSQ_ERR_OVERSIZE_PACKET;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Hands queued packets to the socket, oldest first, until the socket is full; what is left
 * waits in `out_packet` (and counts in `out_packet_count`) for the socket to drain.
 * @adapted a Node socket takes each packet whole, so the partial-write bookkeeping of the C loop
 *   never triggers; net__write batches per tick; the mux's `drain` listener stands in for
 *   mux__add_out/EPOLLOUT
 */
export function packet__write(mosq: mosquitto): number {
  if (!mosq) return MOSQ_ERR_INVAL;
  if (!mosq.sock) return MOSQ_ERR_NO_CONN;

  if (mosq.out_packet && !mosq.current_out_packet) {
    mosq.current_out_packet = mosq.out_packet;
    mosq.out_packet = mosq.out_packet.next;
    if (!mosq.out_packet) {
      mosq.out_packet_last = null;
    }
    mosq.out_packet_count--;
  }

  const state = mosquitto__get_state(mosq);
  if (state === mosq_cs_connect_pending) {
    return MOSQ_ERR_SUCCESS;
  }

  while (mosq.current_out_packet) {
    const packet = mosq.current_out_packet;
    if (packet.to_process > 0) {
      const write_length = net__write(mosq, packet.payload, packet.pos, packet.to_process);
      if (write_length === 0) {
        /* EAGAIN: the packet stays current and the socket's drain resumes the writing. */
        return MOSQ_ERR_SUCCESS;
      }
      if (write_length < 0) return MOSQ_ERR_CONN_LOST;
      g.g_bytes_sent += write_length;
      packet.to_process -= write_length;
      packet.pos += write_length;
    }
    g.g_msgs_sent++;
    if ((packet.command & 0xf0) === CMD_PUBLISH) {
      g.g_pub_msgs_sent++;
    }

    mosq.current_out_packet = mosq.out_packet;
    if (mosq.out_packet) {
      mosq.out_packet = mosq.out_packet.next;
      if (!mosq.out_packet) {
        mosq.out_packet_last = null;
      }
      mosq.out_packet_count--;
    }
    packet__cleanup(packet);
    mosq.next_msg_out = db.now_s + mosq.keepalive;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads as much of the current incoming packet as has arrived, and once it is complete passes it
 * to handle__packet. Returns MOSQ_ERR_SUCCESS when it simply needs more bytes.
 * @adapted the bytes come from the chunk of the socket's last `data` event (see net__read); a
 *   payload that arrived whole in one chunk is used in place instead of being copied. It also
 *   reads websockets clients, which C frames in its own reader (callback_mqtt in websockets.c)
 */
export function packet__read(mosq: mosquitto): number {
  if (!mosq) {
    return MOSQ_ERR_INVAL;
  }
  if (!mosq.sock) {
    return MOSQ_ERR_NO_CONN;
  }

  const state = mosquitto__get_state(mosq);
  if (state === mosq_cs_connect_pending) {
    return MOSQ_ERR_SUCCESS;
  }

  if (!mosq.in_packet.command) {
    const byte = net__read(mosq);
    if (byte < 0) {
      return MOSQ_ERR_SUCCESS;
    }
    mosq.in_packet.command = byte;
    g.g_bytes_received++;
    /* The first packet of a connection must be CONNECT. Upstream 2.0.11 tests for the client
     * state `connected`, which a broker-side context never has, so the check never fired
     * (CVE-2023-0809); this is the later upstream fix, as Debian's 2.0.11 package carries it. */
    if (!mosq.bridge && state === mosq_cs_new && (byte & 0xf0) !== CMD_CONNECT) {
      return MOSQ_ERR_PROTOCOL;
    }
  }

  if (mosq.in_packet.remaining_count <= 0) {
    let byte: number;
    do {
      byte = net__read(mosq);
      if (byte < 0) {
        return MOSQ_ERR_SUCCESS;
      }
      mosq.in_packet.remaining_count--;
      /* A remaining length takes at most four bytes. */
      if (mosq.in_packet.remaining_count < -4) {
        return MOSQ_ERR_PROTOCOL;
      }
      g.g_bytes_received++;
      mosq.in_packet.remaining_length += (byte & 127) * mosq.in_packet.remaining_mult;
      mosq.in_packet.remaining_mult *= 128;
    } while ((byte & 128) !== 0);
    mosq.in_packet.remaining_count = -mosq.in_packet.remaining_count;

    const max_packet_size = db.config!.max_packet_size;
    /* mosquitto's websockets reader has no such check: a websockets client's packets are not
     * held to max_packet_size. */
    if (max_packet_size > 0 && mosq.in_packet.remaining_length + 1 > max_packet_size && !mosq.wsi) {
      if (mosq.protocol === mosq_p_mqtt5) {
        send__disconnect(mosq, MQTT_RC_PACKET_TOO_LARGE, null);
      }
      return MOSQ_ERR_OVERSIZE_PACKET;
    }
    if (mosq.in_packet.remaining_length > 0) {
      if (!memory__allocation_allowed(mosq.in_packet.remaining_length)) {
        return MOSQ_ERR_NOMEM;
      }
      mosq.in_packet.to_process = mosq.in_packet.remaining_length;
      if (net__read_available(mosq) >= mosq.in_packet.to_process) {
        /* The whole payload is in this chunk: use it where it lies. */
        mosq.in_packet.payload = net__read_view(mosq, mosq.in_packet.to_process);
        g.g_bytes_received += mosq.in_packet.to_process;
        mosq.in_packet.to_process = 0;
      } else {
        mosq.in_packet.payload = Buffer.allocUnsafe(mosq.in_packet.remaining_length);
      }
    }
  }

  while (mosq.in_packet.to_process > 0) {
    const available = net__read_available(mosq);
    if (available === 0) {
      if (mosq.in_packet.to_process > 1000) {
        /* A large packet still arriving counts as activity for keepalive. */
        keepalive__update(mosq);
      }
      return MOSQ_ERR_SUCCESS;
    }
    const count = Math.min(available, mosq.in_packet.to_process);
    net__read_view(mosq, count).copy(mosq.in_packet.payload, mosq.in_packet.pos);
    g.g_bytes_received += count;
    mosq.in_packet.to_process -= count;
    mosq.in_packet.pos += count;
  }

  /* The packet is complete. */
  mosq.in_packet.pos = 0;
  g.g_msgs_received++;
  if ((mosq.in_packet.command & 0xf5) === CMD_PUBLISH) {
    g.g_pub_msgs_received++;
  }
  const rc = handle__packet(mosq);

  packet__cleanup(mosq.in_packet);
  keepalive__update(mosq);
  return rc;
}

