/**
 * mosquitto's db_dump (apps/db_dump/db_dump.c): reads a `mosquitto.db` persistence file chunk by
 * chunk with the broker's own chunk readers and prints every chunk (default), the number of
 * chunks of each type (`--stats`), or per client the number and size of its subscriptions and
 * messages (`--client-stats`).
 * @module
 */
import { closeSync } from 'node:fs';
import { MOSQ_ERR_SUCCESS } from '../../include/mosquitto.js';
import { mosquitto__fopen } from '../../lib/misc_mosq.js';
import type { FILE } from '../../lib/misc_mosq.js';
import { config__init } from '../../broker/conf.js';
import { log__init } from '../../broker/logging.js';
import { MQTT3_LOG_NONE } from '../../broker/mosquitto_broker_internal.js';
import {
  DB_CHUNK_CFG,
  DB_CHUNK_CLIENT,
  DB_CHUNK_CLIENT_MSG,
  DB_CHUNK_MSG_STORE,
  DB_CHUNK_RETAIN,
  DB_CHUNK_SUB,
  MOSQ_DB_VERSION,
  P_client__new,
  P_client_msg__new,
  P_msg_store__new,
  P_retain__new,
  P_sub__new,
  persist__fseek_cur,
  persist__set_errno,
  persist__strerror,
  read_e,
  sizeof_dbid_t,
} from '../../broker/persist.js';
import type { PF_cfg } from '../../broker/persist.js';
import { db_version, magic, persist__chunk_header_read } from '../../broker/persist_read.js';
import {
  persist__chunk_cfg_read_v234,
  persist__chunk_client_msg_read_v234,
  persist__chunk_client_read_v234,
  persist__chunk_msg_store_read_v234,
  persist__chunk_retain_read_v234,
  persist__chunk_sub_read_v234,
} from '../../broker/persist_read_v234.js';
import {
  persist__chunk_cfg_read_v56,
  persist__chunk_client_msg_read_v56,
  persist__chunk_client_read_v56,
  persist__chunk_msg_store_read_v56,
  persist__chunk_retain_read_v56,
  persist__chunk_sub_read_v56,
} from '../../broker/persist_read_v5.js';
import { fflush_stdout, pd, print__client, print__client_msg, print__msg_store, print__sub, printf, pu64 } from './print.js';

/** struct client_data: what --client-stats adds up for one client. */
interface client_data {
  id: string;
  subscriptions: number;
  subscription_size: number;
  messages: number;
  message_size: number;
}

/** struct msg_store_chunk: the size of a stored message's chunk, by store id. */
interface msg_store_chunk {
  store_id: bigint;
  length: number;
}

let stats = 0;
let client_stats = 0;
let do_print = 1;

/* Chunk counts */
let cfg_count = 0;
let client_count = 0;
let client_msg_count = 0;
let msg_store_count = 0;
let retain_count = 0;
let sub_count = 0;

/** Clients in the order their chunks come, and by id (C: one uthash table, which lists them in
 * that order and finds the latest of equal ids). */
let clients: client_data[] = [];
let clients_by_id = new Map<string, client_data>();
/** Stored message chunks by store id (C: a uthash table). */
let msgs_by_id = new Map<bigint, msg_store_chunk>();

/**
 * Writes to standard error, unbuffered.
 * @tsonly fprintf(stderr, ...) stand-in; the caller formats the text
 */
function eprintf(text: string): void {
  process.stderr.write(text);
}

/**
 * Closes the database file.
 * @tsonly fclose()
 */
function fclose(f: FILE): void {
  try {
    closeSync(f.fd);
  } catch (e) {
    persist__set_errno(e);
  }
}

/** Reads and prints the cfg chunk; a store id size other than 8 bytes stops the dump. */
function dump__cfg_chunk_process(db_fd: FILE, length: number): number {
  let rc: number;

  cfg_count++;

  const chunk: PF_cfg = { last_db_id: 0n, shutdown: 0, dbid_size: 0 };

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_cfg_read_v56(db_fd, chunk);
  } else {
    rc = persist__chunk_cfg_read_v234(db_fd, chunk);
  }
  if (rc) {
    eprintf('Error: Corrupt persistent database.');
    fclose(db_fd);
    return rc;
  }

  if (do_print) printf('DB_CHUNK_CFG:\n');
  if (do_print) printf(`\tLength: ${pd(length)}\n`);
  if (do_print) printf(`\tShutdown: ${chunk.shutdown}\n`);
  if (do_print) printf(`\tDB ID size: ${chunk.dbid_size}\n`);
  if (chunk.dbid_size !== sizeof_dbid_t) {
    eprintf(`Error: Incompatible database configuration (dbid size is ${chunk.dbid_size} bytes, expected ${sizeof_dbid_t})`);
    fclose(db_fd);
    return 1;
  }
  if (do_print) printf(`\tLast DB ID: ${pu64(chunk.last_db_id)}\n`);

  return 0;
}

/** Reads a client chunk: prints it, or starts its --client-stats entry. */
function dump__client_chunk_process(db_fd: FILE, length: number): number {
  let rc: number;

  client_count++;

  const chunk = P_client__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_client_read_v56(db_fd, chunk, db_version.value);
  } else {
    rc = persist__chunk_client_read_v234(db_fd, chunk, db_version.value);
  }
  if (rc) {
    eprintf('Error: Corrupt persistent database.');
    return rc;
  }

  if (client_stats) {
    const cc: client_data = { id: chunk.client_id!, subscriptions: 0, subscription_size: 0, messages: 0, message_size: 0 };
    clients.push(cc);
    clients_by_id.set(cc.id, cc);
  }

  if (do_print) {
    print__client(chunk, length);
  }

  return 0;
}

/**
 * Reads a client message chunk: prints it, or (--client-stats) counts it and its stored
 * message's chunk size for its client.
 */
function dump__client_msg_chunk_process(db_fd: FILE, length: number): number {
  let rc: number;

  client_msg_count++;

  const chunk = P_client_msg__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_client_msg_read_v56(db_fd, chunk, length);
  } else {
    rc = persist__chunk_client_msg_read_v234(db_fd, chunk);
  }
  if (rc) {
    eprintf('Error: Corrupt persistent database.');
    fclose(db_fd);
    return rc;
  }

  if (client_stats) {
    const cc = chunk.client_id === null ? undefined : clients_by_id.get(chunk.client_id);
    if (cc) {
      cc.messages++;
      cc.message_size += length;

      const msc = msgs_by_id.get(chunk.F.store_id);
      if (msc) {
        cc.message_size += msc.length;
      }
    }
  }

  if (do_print) {
    print__client_msg(chunk, length);
  }

  return 0;
}

/**
 * Reads a stored message chunk: prints it, or (--client-stats) remembers its chunk size.
 * @adapted C also builds a store entry and hands it to a db__message_store stub that does
 *   nothing; nothing of it shows, so the port leaves that out
 */
function dump__msg_store_chunk_process(db_fptr: FILE, length: number): number {
  let rc: number;

  msg_store_count++;

  const chunk = P_msg_store__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_msg_store_read_v56(db_fptr, chunk, length);
  } else {
    rc = persist__chunk_msg_store_read_v234(db_fptr, chunk, db_version.value);
  }
  if (rc) {
    eprintf('Error: Corrupt persistent database.');
    fclose(db_fptr);
    return rc;
  }

  if (client_stats) {
    const mcs: msg_store_chunk = { store_id: chunk.F.store_id, length };
    msgs_by_id.set(mcs.store_id, mcs);
  }

  if (do_print) {
    print__msg_store(chunk, length);
  }

  return 0;
}

/** Reads and prints a retain chunk. */
function dump__retain_chunk_process(db_fd: FILE, length: number): number {
  let rc: number;

  retain_count++;
  if (do_print) printf('DB_CHUNK_RETAIN:\n');
  if (do_print) printf(`\tLength: ${pd(length)}\n`);

  const chunk = P_retain__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_retain_read_v56(db_fd, chunk);
  } else {
    rc = persist__chunk_retain_read_v234(db_fd, chunk);
  }
  if (rc) {
    fclose(db_fd);
    return rc;
  }

  if (do_print) printf(`\tStore ID: ${pu64(chunk.F.store_id)}\n`);
  return 0;
}

/** Reads a subscription chunk: prints it, or (--client-stats) counts it for its client. */
function dump__sub_chunk_process(db_fd: FILE, length: number): number {
  let rc: number;

  sub_count++;

  const chunk = P_sub__new();

  if (db_version.value === 6 || db_version.value === 5) {
    rc = persist__chunk_sub_read_v56(db_fd, chunk);
  } else {
    rc = persist__chunk_sub_read_v234(db_fd, chunk);
  }
  if (rc) {
    eprintf('Error: Corrupt persistent database.');
    fclose(db_fd);
    return rc;
  }

  if (client_stats) {
    const cc = chunk.client_id === null ? undefined : clients_by_id.get(chunk.client_id);
    if (cc) {
      cc.subscriptions++;
      cc.subscription_size += length;
    }
  }

  if (do_print) {
    print__sub(chunk, length);
  }

  return 0;
}

/**
 * Runs db_dump with its command line (`argv[0]` is the program): `<file>`, `--stats <file>` or
 * `--client-stats <file>`. Returns the exit status.
 * @adapted the counters and tables start empty on each call (C: zero-initialised globals of a
 *   process that runs once); the broker's log__printf is silenced, as C links a stub there;
 *   buffered output is flushed on every return, as C's exit does
 */
export function main(argv: string[]): number {
  try {
    let rc = 0;
    let filename: string;

    stats = 0;
    client_stats = 0;
    do_print = 1;
    cfg_count = client_count = client_msg_count = msg_store_count = retain_count = sub_count = 0;
    clients = [];
    clients_by_id = new Map();
    msgs_by_id = new Map();
    const log_config = config__init();
    log_config.log_dest = MQTT3_LOG_NONE;
    log__init(log_config);

    if (argv.length === 2) {
      filename = argv[1];
    } else if (argv.length === 3 && argv[1] === '--stats') {
      stats = 1;
      do_print = 0;
      filename = argv[2];
    } else if (argv.length === 3 && argv[1] === '--client-stats') {
      client_stats = 1;
      do_print = 0;
      filename = argv[2];
    } else {
      eprintf('Usage: db_dump [--stats | --client-stats] <mosquitto db filename>\n');
      return 1;
    }

    const fptr = mosquitto__fopen(filename, 'rb', false);
    if (!fptr) {
      eprintf(`Error: Unable to open ${filename}\n`);
      return 0;
    }
    const fd = fptr;

    const header = read_e(fd, 15);
    if (!header) return error(fd);
    if (header.equals(magic)) {
      if (do_print) printf('Mosquitto DB dump\n');
      /* The file is a mosquitto database. */
      const crc = read_e(fd, 4);
      if (!crc) return error(fd);
      if (do_print) printf(`CRC: ${pd(crc.readUInt32LE(0))}\n`);
      const i32temp = read_e(fd, 4);
      if (!i32temp) return error(fd);
      db_version.value = i32temp.readUInt32BE(0);
      if (do_print) printf(`DB version: ${pd(db_version.value)}\n`);

      if (db_version.value > MOSQ_DB_VERSION) {
        if (do_print) printf('Warning: mosquitto_db_dump does not support this DB version, continuing but expecting errors.\n');
      }

      for (;;) {
        const h = persist__chunk_header_read(fd);
        if (h.rc !== MOSQ_ERR_SUCCESS) break;
        const { chunk, length } = h;
        switch (chunk) {
          case DB_CHUNK_CFG:
            if (dump__cfg_chunk_process(fd, length)) return 1;
            break;

          case DB_CHUNK_MSG_STORE:
            if (dump__msg_store_chunk_process(fd, length)) return 1;
            break;

          case DB_CHUNK_CLIENT_MSG:
            if (dump__client_msg_chunk_process(fd, length)) return 1;
            break;

          case DB_CHUNK_RETAIN:
            if (dump__retain_chunk_process(fd, length)) return 1;
            break;

          case DB_CHUNK_SUB:
            if (dump__sub_chunk_process(fd, length)) return 1;
            break;

          case DB_CHUNK_CLIENT:
            if (dump__client_chunk_process(fd, length)) return 1;
            break;

          default:
            eprintf(`Warning: Unsupported chunk "${pd(chunk)}" in persistent database file. Ignoring.\n`);
            persist__fseek_cur(fd, length);
            break;
        }
      }
    } else {
      eprintf('Error: Unrecognised file format.');
      rc = 1;
    }

    fclose(fd);

    if (stats) {
      printf(`DB_CHUNK_CFG:        ${cfg_count}\n`);
      printf(`DB_CHUNK_MSG_STORE:  ${msg_store_count}\n`);
      printf(`DB_CHUNK_CLIENT_MSG: ${client_msg_count}\n`);
      printf(`DB_CHUNK_RETAIN:     ${retain_count}\n`);
      printf(`DB_CHUNK_SUB:        ${sub_count}\n`);
      printf(`DB_CHUNK_CLIENT:     ${client_count}\n`);
    }

    if (client_stats) {
      for (const cc of clients) {
        printf(`SC: ${pd(cc.subscriptions)} SS: ${pd(cc.subscription_size)} MC: ${pd(cc.messages)} MS: ${cc.message_size}   `);
        printf(`${cc.id}\n`);
      }
    }

    return rc;
  } finally {
    fflush_stdout();
  }
}

/**
 * The `error:` exit of main: prints the last file error, closes the file, returns 1.
 * @tsonly the C function ends in an `error:` label
 */
function error(fd: FILE): number {
  eprintf(`Error: ${persist__strerror()}.`);
  fclose(fd);
  return 1;
}
