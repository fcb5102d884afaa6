/**
 * The broker's log of src/logging.c: which message types are kept (`log_type`), where they go
 * (`log_dest`: stdout, stderr, a file, `$SYS/broker/log/...` topics, syslog) and the line format
 * `<timestamp>: <message>`.
 *
 * Callers format the message themselves (TS template strings stand in for the C printf formats).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import {
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_INTERNAL,
  MOSQ_LOG_NOTICE,
  MOSQ_LOG_SUBSCRIBE,
  MOSQ_LOG_UNSUBSCRIBE,
  MOSQ_LOG_WARNING,
  MOSQ_LOG_WEBSOCKETS,
} from '../include/mosquitto.js';
import { mosquitto__fopen } from '../lib/misc_mosq.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { db__messages_easy_queue } from './database.js';
import {
  db,
  MQTT3_LOG_FILE,
  MQTT3_LOG_NONE,
  MQTT3_LOG_STDERR,
  MQTT3_LOG_STDOUT,
  MQTT3_LOG_SYSLOG,
  MQTT3_LOG_TOPIC,
} from './mosquitto_broker_internal.js';
import type { mosquitto__config } from './mosquitto_broker_internal.js';

/* syslog(3) severities, as <syslog.h> numbers them. */
const LOG_ERR = 3;
const LOG_WARNING = 4;
const LOG_NOTICE = 5;
const LOG_INFO = 6;
const LOG_DEBUG = 7;

/** Size of the C line buffer: a log line is cut to LOG_LINE_SIZE-1 bytes. */
const LOG_LINE_SIZE = 1000;

/* Until log__init runs (while the config is read), errors go to stderr. */
let log_destinations: number = MQTT3_LOG_STDERR;
let log_priorities: number = MOSQ_LOG_ERR | MOSQ_LOG_WARNING | MOSQ_LOG_NOTICE | MOSQ_LOG_INFO;

const DAY_ABBR = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_FULL = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_FULL = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/**
 * Day of the year, 0-based, of a local date.
 * @tsonly part of the strftime stand-in
 */
function day_of_year(t: Date): number {
  const start = new Date(t.getFullYear(), 0, 1);
  return Math.round((new Date(t.getFullYear(), t.getMonth(), t.getDate()).getTime() - start.getTime()) / 86400000);
}

/**
 * ISO 8601 week-based year and week number of a local date.
 * @tsonly part of the strftime stand-in
 */
function iso_week(t: Date): { year: number; week: number } {
  const wday = (t.getDay() + 6) % 7; /* Monday = 0 */
  const thursday = new Date(t.getFullYear(), t.getMonth(), t.getDate() - wday + 3);
  const year = thursday.getFullYear();
  return { year, week: Math.floor(day_of_year(thursday) / 7) + 1 };
}

/**
 * Formats a local time as the C library's strftime does in the "C" locale, for the
 * `log_timestamp_format` option. Supports the POSIX and GNU conversions and the GNU padding
 * flags `-`, `_`, `0` and `^`; an unknown conversion is copied as it stands, as glibc does.
 * @tsonly Node has no strftime
 */
export function strftime(format: string, t: Date): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%' || i === format.length - 1) {
      out += ch;
      continue;
    }
    const start = i;
    let flag = '';
    while ('-_0^#'.includes(format[i + 1] ?? '') && i + 1 < format.length - 1) {
      flag += format[++i];
    }
    const conv = format[++i];
    const num = (v: number, width: number, pad = '0'): string => {
      if (flag.includes('-')) return String(v);
      const p = flag.includes('_') ? ' ' : flag.includes('0') ? '0' : pad;
      return String(v).padStart(width, p);
    };
    const text = (s: string): string => (flag.includes('^') ? s.toUpperCase() : s);
    const hour12 = t.getHours() % 12 === 0 ? 12 : t.getHours() % 12;
    const offset = -t.getTimezoneOffset();
    let piece: string;
    switch (conv) {
      case 'a': piece = text(DAY_ABBR[t.getDay()]); break;
      case 'A': piece = text(DAY_FULL[t.getDay()]); break;
      case 'b': case 'h': piece = text(MONTH_ABBR[t.getMonth()]); break;
      case 'B': piece = text(MONTH_FULL[t.getMonth()]); break;
      case 'c': piece = text(strftime('%a %b %e %H:%M:%S %Y', t)); break;
      case 'C': piece = num(Math.floor(t.getFullYear() / 100), 2); break;
      case 'd': piece = num(t.getDate(), 2); break;
      case 'D': case 'x': piece = strftime('%m/%d/%y', t); break;
      case 'e': piece = num(t.getDate(), 2, ' '); break;
      case 'F': piece = strftime('%Y-%m-%d', t); break;
      case 'g': piece = num(iso_week(t).year % 100, 2); break;
      case 'G': piece = num(iso_week(t).year, 1); break;
      case 'H': piece = num(t.getHours(), 2); break;
      case 'I': piece = num(hour12, 2); break;
      case 'j': piece = num(day_of_year(t) + 1, 3); break;
      case 'k': piece = num(t.getHours(), 2, ' '); break;
      case 'l': piece = num(hour12, 2, ' '); break;
      case 'm': piece = num(t.getMonth() + 1, 2); break;
      case 'M': piece = num(t.getMinutes(), 2); break;
      case 'n': piece = '\n'; break;
      case 'p': piece = t.getHours() < 12 ? 'AM' : 'PM'; break;
      case 'P': piece = t.getHours() < 12 ? 'am' : 'pm'; break;
      case 'r': piece = strftime('%I:%M:%S %p', t); break;
      case 'R': piece = strftime('%H:%M', t); break;
      case 's': piece = String(Math.floor(t.getTime() / 1000)); break;
      case 'S': piece = num(t.getSeconds(), 2); break;
      case 't': piece = '\t'; break;
      case 'T': case 'X': piece = strftime('%H:%M:%S', t); break;
      case 'u': piece = num(t.getDay() === 0 ? 7 : t.getDay(), 1); break;
      case 'U': piece = num(Math.floor((day_of_year(t) + 7 - t.getDay()) / 7), 2); break;
      case 'V': piece = num(iso_week(t).week, 2); break;
      case 'w': piece = num(t.getDay(), 1); break;
      case 'W': piece = num(Math.floor((day_of_year(t) + 7 - ((t.getDay() + 6) % 7)) / 7), 2); break;
      case 'y': piece = num(t.getFullYear() % 100, 2); break;
      case 'Y': piece = num(t.getFullYear(), 1); break;
      case 'z':
        piece = (offset < 0 ? '-' : '+')
          + String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')
          + String(Math.abs(offset) % 60).padStart(2, '0');
        break;
      case 'Z':
        piece = text(new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
          .formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? '');
        break;
      case '%': piece = '%'; break;
      default: piece = format.slice(start, i + 1); break;
    }
    out += piece;
  }
  return out;
}

/**
 * The wall-clock time the broker last read, as a local date.
 * @adapted returns the Date instead of filling a struct tm out-parameter; JS dates cannot fail
 */
function get_time(): Date {
  return new Date(db.now_real_s * 1000);
}

/** The process that hands log lines to the system logger (C: the connection openlog makes). */
let syslog_proc: ChildProcess | null = null;
/** The facility given to openlog. */
let syslog_facility = 0;

/**
 * Opens the connection to the system logger: lines are tagged `ident[pid]` and go to `facility`.
 * @tsonly libc's openlog(3); Node cannot send to the /dev/log datagram socket, so a `logger`
 *   process (util-linux) is started once and given one line per message with its priority in front
 */
function openlog(ident: string, facility: number): void {
  syslog_facility = facility;
  const proc = spawn('logger', ['--prio-prefix', '-t', ident, `--id=${process.pid}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  proc.on('error', () => {
    /* No logger on this system: the lines are lost, as syslog(3) loses them without a daemon. */
    if (syslog_proc === proc) syslog_proc = null;
  });
  proc.stdin!.on('error', () => { /* the logger went away */ });
  (proc.stdin as unknown as Socket).unref();
  proc.unref();
  syslog_proc = proc;
}

/**
 * Sends one line to the system logger with this severity.
 * @tsonly libc's syslog(3), through the process openlog started
 */
function syslog(priority: number, line: Buffer): void {
  syslog_proc?.stdin?.write(Buffer.concat([Buffer.from(`<${syslog_facility | priority}>`), line, Buffer.from('\n')]));
}

/**
 * Closes the connection to the system logger.
 * @tsonly libc's closelog(3): the logger process ends when its input does
 */
function closelog(): void {
  syslog_proc?.stdin?.end();
  syslog_proc = null;
}

/**
 * Switches logging to the configured types and destinations, connects to the system logger and
 * opens the log file; when the file cannot be opened, falls back to errors only on stderr and
 * says so.
 * @adapted the file is kept as its fd and written line by line (C: a line-buffered FILE*)
 */
export function log__init(config: mosquitto__config): number {
  const rc = 0;

  log_priorities = config.log_type;
  log_destinations = config.log_dest;

  if (log_destinations & MQTT3_LOG_SYSLOG) {
    openlog('mosquitto', config.log_facility);
  }

  if (log_destinations & MQTT3_LOG_FILE) {
    config.log_fptr = mosquitto__fopen(config.log_file ?? '', 'at', true)?.fd ?? null;
    if (config.log_fptr === null) {
      log_destinations = MQTT3_LOG_STDERR;
      log_priorities = MOSQ_LOG_ERR;
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to open log file ${config.log_file} for writing.`);
    }
  }
  return rc;
}

/** Disconnects from the system logger and closes the log file, if one is open. */
export function log__close(config: mosquitto__config): number {
  if (log_destinations & MQTT3_LOG_SYSLOG) {
    closelog();
  }
  if (log_destinations & MQTT3_LOG_FILE) {
    if (config.log_fptr !== null) {
      closeSync(config.log_fptr);
      config.log_fptr = null;
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes one message to every destination when its type is enabled: prefixes the timestamp,
 * cuts the line to the C buffer size, and publishes it to `$SYS/broker/log/<level>` for the
 * topic destination.
 * @adapted takes the formatted message instead of a format and va_list
 */
function log__vprintf(priority: number, msg: string): number {
  let topic: string;
  let syslog_priority: number;
  let log_timestamp = true;
  let log_timestamp_format: string | null = null;
  let log_fptr: number | null = null;

  if (db.config) {
    log_timestamp = db.config.log_timestamp;
    log_timestamp_format = db.config.log_timestamp_format;
    log_fptr = db.config.log_fptr;
  }

  if (log__enabled(priority)) {
    switch (priority) {
      case MOSQ_LOG_SUBSCRIBE: topic = '$SYS/broker/log/M/subscribe'; syslog_priority = LOG_NOTICE; break;
      case MOSQ_LOG_UNSUBSCRIBE: topic = '$SYS/broker/log/M/unsubscribe'; syslog_priority = LOG_NOTICE; break;
      case MOSQ_LOG_DEBUG: topic = '$SYS/broker/log/D'; syslog_priority = LOG_DEBUG; break;
      case MOSQ_LOG_ERR: topic = '$SYS/broker/log/E'; syslog_priority = LOG_ERR; break;
      case MOSQ_LOG_WARNING: topic = '$SYS/broker/log/W'; syslog_priority = LOG_WARNING; break;
      case MOSQ_LOG_NOTICE: topic = '$SYS/broker/log/N'; syslog_priority = LOG_NOTICE; break;
      case MOSQ_LOG_INFO: topic = '$SYS/broker/log/I'; syslog_priority = LOG_INFO; break;
      case MOSQ_LOG_WEBSOCKETS: topic = '$SYS/broker/log/WS'; syslog_priority = LOG_DEBUG; break;
      default: topic = '$SYS/broker/log/E'; syslog_priority = LOG_ERR; break;
    }
    let prefix = '';
    if (log_timestamp) {
      if (log_timestamp_format) {
        prefix = strftime(log_timestamp_format, get_time());
        if (prefix.length === 0 || Buffer.byteLength(prefix) >= LOG_LINE_SIZE) {
          prefix = 'Time error';
        }
      } else {
        prefix = String(Math.trunc(db.now_real_s));
      }
      if (Buffer.byteLength(prefix) < LOG_LINE_SIZE - 3) {
        prefix += ': ';
      }
    }
    let log_line = Buffer.from(prefix + msg);
    if (log_line.length > LOG_LINE_SIZE - 1) {
      log_line = log_line.subarray(0, LOG_LINE_SIZE - 1);
    }
    const with_newline = Buffer.concat([log_line, Buffer.from('\n')]);

    if (log_destinations & MQTT3_LOG_STDOUT) {
      process.stdout.write(with_newline);
    }
    if (log_destinations & MQTT3_LOG_STDERR) {
      process.stderr.write(with_newline);
    }
    if (log_destinations & MQTT3_LOG_FILE && log_fptr !== null) {
      writeSync(log_fptr, with_newline);
    }
    if (log_destinations & MQTT3_LOG_SYSLOG) {
      syslog(syslog_priority, log_line);
    }
    if (log_destinations & MQTT3_LOG_TOPIC && priority !== MOSQ_LOG_DEBUG && priority !== MOSQ_LOG_INTERNAL) {
      db__messages_easy_queue(null, topic, 2, log_line.length, log_line, false, 20, null);
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Whether a message of this type (MOSQ_LOG_*) is written anywhere.
 * @tsonly C checks this inside log__printf before it formats the line; the port's callers format
 *   first, so those on the per-message path ask first and build no line that nobody keeps
 */
export function log__enabled(priority: number): boolean {
  return (log_priorities & priority) !== 0 && log_destinations !== MQTT3_LOG_NONE;
}

/** Logs one broker message of the given type (MOSQ_LOG_*); `mosq` is unused, as in C. */
export function log__printf(_mosq: mosquitto | null, priority: number, msg: string): number {
  return log__vprintf(priority, msg);
}

/**
 * Logs a developer trace line in green at the internal level, or a complaint when it would not
 * fit the 200-byte C buffer.
 * @adapted takes the formatted message instead of a format and arguments
 */
export function log__internal(msg: string): void {
  const len = Buffer.byteLength(msg);
  if (len >= 200) {
    log__printf(null, MOSQ_LOG_INTERNAL, `Internal log buffer too short (${len})`);
    return;
  }
  log__printf(null, MOSQ_LOG_INTERNAL, `\x1b[32m${msg}\x1b[0m`);
}

/**
 * Plugin API: logs a message at the given level and returns the result code.
 * @adapted takes the formatted message instead of a format and va_list
 */
export function mosquitto_log_vprintf(level: number, msg: string): number {
  return log__vprintf(level, msg);
}

/**
 * Plugin API: logs a message at the given level.
 * @adapted takes the formatted message instead of a format and arguments
 */
export function mosquitto_log_printf(level: number, msg: string): void {
  log__vprintf(level, msg);
}
