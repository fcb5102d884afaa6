/**
 * Tests for src/broker/logging.ts: the line format (`<seconds>: <message>`, a strftime format,
 * or no timestamp), `log_type` filtering, and the stdout, stderr, file and topic destinations.
 * strftime is checked against GNU date, which formats with the same C library conversions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_INTERNAL,
  MOSQ_LOG_NOTICE,
  MOSQ_LOG_SUBSCRIBE,
  MOSQ_LOG_UNSUBSCRIBE,
  MOSQ_LOG_WARNING,
  MOSQ_LOG_WEBSOCKETS,
} from '../../../src/include/mosquitto.js';
import type { mosquitto__config } from '../../../src/broker/mosquitto_broker_internal.js';

const queued: { topic: string | null; qos: number; payload: string; retain: boolean; expiry: number }[] = [];

vi.mock('../../../src/broker/database.js', () => ({
  db__messages_easy_queue: (_ctx: unknown, topic: string | null, qos: number, payloadlen: number, payload: Buffer,
      retain: boolean, expiry: number) => {
    queued.push({ topic, qos, payload: payload.subarray(0, payloadlen).toString(), retain, expiry });
    return 0;
  },
}));

const NOW = 1700000000;

type logging_module = typeof import('../../../src/broker/logging.js');
type internal_module = typeof import('../../../src/broker/mosquitto_broker_internal.js');

let dir: string;
let stderr: string[];
let stdout: string[];
let saved_tz: string | undefined;

/** A fresh logging module (log__init not yet called) and a fresh db at time NOW. */
async function fresh(): Promise<{ log: logging_module; internal: internal_module }> {
  vi.resetModules();
  const internal = await import('../../../src/broker/mosquitto_broker_internal.js');
  internal.db__reset();
  internal.db.now_real_s = NOW;
  const log = await import('../../../src/broker/logging.js');
  return { log, internal };
}

/** The configuration fields logging reads, with mosquitto's defaults. */
function log_config(over: Partial<mosquitto__config> = {}): mosquitto__config {
  return {
    log_dest: 0x08,
    log_type: MOSQ_LOG_ERR | MOSQ_LOG_WARNING | MOSQ_LOG_NOTICE | MOSQ_LOG_INFO,
    log_timestamp: true,
    log_timestamp_format: null,
    log_file: null,
    log_fptr: null,
    log_facility: 3 << 3,
    ...over,
  } as mosquitto__config;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logging-test-'));
  saved_tz = process.env.TZ;
  process.env.TZ = 'UTC';
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved_tz === undefined) delete process.env.TZ;
  else process.env.TZ = saved_tz;
});

beforeEach(() => {
  stderr = [];
  stdout = [];
  queued.length = 0;
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(Buffer.from(chunk).toString());
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(Buffer.from(chunk).toString());
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('log__printf before log__init', () => {
  it('writes errors, warnings, notices and information to stderr as "<seconds>: <message>"', async () => {
    const { log } = await fresh();
    expect(log.log__printf(null, MOSQ_LOG_ERR, 'Error: one.')).toBe(0);
    log.log__printf(null, MOSQ_LOG_WARNING, 'two');
    log.log__printf(null, MOSQ_LOG_NOTICE, 'three');
    log.log__printf(null, MOSQ_LOG_INFO, 'four');
    log.log__printf(null, MOSQ_LOG_DEBUG, 'not shown');
    log.log__printf(null, MOSQ_LOG_SUBSCRIBE, 'not shown');
    expect(stderr.join('')).toBe(`${NOW}: Error: one.\n${NOW}: two\n${NOW}: three\n${NOW}: four\n`);
    expect(stdout).toEqual([]);
  });

  it('cuts a line to 999 bytes', async () => {
    const { log } = await fresh();
    log.log__printf(null, MOSQ_LOG_ERR, 'x'.repeat(2000));
    const line = stderr.join('');
    expect(Buffer.byteLength(line)).toBe(1000);
    expect(line).toBe(`${NOW}: ${'x'.repeat(999 - 12)}\n`);
  });
});

describe('timestamps', () => {
  it('log_timestamp false leaves the timestamp out', async () => {
    const { log, internal } = await fresh();
    internal.db.config = log_config({ log_timestamp: false });
    log.log__printf(null, MOSQ_LOG_INFO, 'plain');
    expect(stderr.join('')).toBe('plain\n');
  });

  it('log_timestamp_format formats the wall clock with strftime', async () => {
    const { log, internal } = await fresh();
    internal.db.config = log_config({ log_timestamp_format: '%Y-%m-%dT%H:%M:%S' });
    log.log__printf(null, MOSQ_LOG_INFO, 'formatted');
    expect(stderr.join('')).toBe('2023-11-14T22:13:20: formatted\n');
  });

  it('a format that gives nothing prints "Time error"', async () => {
    const { log, internal } = await fresh();
    internal.db.config = log_config({ log_timestamp_format: '%n' });
    log.log__printf(null, MOSQ_LOG_INFO, 'x');
    internal.db.config = log_config({ log_timestamp_format: 'x'.repeat(1000) });
    log.log__printf(null, MOSQ_LOG_INFO, 'y');
    expect(stderr.join('')).toBe('\n: x\nTime error: y\n');
  });

  const formats = [
    '%a %A %b %B %c',
    '%C %d %D %e %F %g %G %h',
    '%H %I %j %k %l %m %M %p %P',
    '%r %R %s %S %T %u %U %V %w %W %x %X %y %Y %z %Z %%',
    '%-d %_m %0e %^a %^B %Q',
    'literal text',
  ];
  const times = [0, 951782400 /* 2000-02-29 */, 1700000000, 1704067199 /* 2023-12-31 */, 1735689600 /* 2025-01-01 */];

  for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    it(`strftime matches GNU date in ${tz}`, async () => {
      const { log } = await fresh();
      process.env.TZ = tz;
      try {
        for (const t of times) {
          for (const fmt of formats) {
            const want = execFileSync('date', ['-d', `@${t}`, `+${fmt}`], { env: { TZ: tz } }).toString().replace(/\n$/, '');
            if (fmt.includes('%Z') && tz === 'Asia/Kolkata') continue; /* Intl names it "GMT+5:30" */
            expect(log.strftime(fmt, new Date(t * 1000)), `${fmt} @${t}`).toBe(want);
          }
        }
      } finally {
        process.env.TZ = 'UTC';
      }
    });
  }
});

describe('log__init', () => {
  it('log_type keeps only the types asked for', async () => {
    const { log } = await fresh();
    log.log__init(log_config({ log_type: MOSQ_LOG_ERR | MOSQ_LOG_SUBSCRIBE }));
    log.log__printf(null, MOSQ_LOG_INFO, 'no');
    log.log__printf(null, MOSQ_LOG_ERR, 'err');
    log.log__printf(null, MOSQ_LOG_SUBSCRIBE, 'sub');
    log.log__printf(null, MOSQ_LOG_UNSUBSCRIBE, 'no');
    expect(stderr.join('')).toBe(`${NOW}: err\n${NOW}: sub\n`);
  });

  it('with every type (-v) debug and internal lines show, internal ones in green', async () => {
    const { log } = await fresh();
    log.log__init(log_config({ log_type: 0xffffffff }));
    log.log__printf(null, MOSQ_LOG_DEBUG, 'dbg');
    log.log__internal('inside');
    log.log__internal('y'.repeat(200));
    expect(stderr.join('')).toBe(`${NOW}: dbg\n${NOW}: \x1b[32minside\x1b[0m\n${NOW}: Internal log buffer too short (200)\n`);
  });

  it('log_dest stdout writes to stdout only; none writes nothing', async () => {
    const { log } = await fresh();
    log.log__init(log_config({ log_dest: 0x04 }));
    log.log__printf(null, MOSQ_LOG_INFO, 'out');
    expect(stdout.join('')).toBe(`${NOW}: out\n`);
    expect(stderr).toEqual([]);
    log.log__init(log_config({ log_dest: 0x00 }));
    log.log__printf(null, MOSQ_LOG_ERR, 'none');
    expect(stdout.join('')).toBe(`${NOW}: out\n`);
    expect(stderr).toEqual([]);
  });

  it('log_dest file appends to the file, created private', async () => {
    const { log, internal } = await fresh();
    const file = join(dir, 'new.log');
    const config = log_config({ log_dest: 0x02, log_file: file });
    internal.db.config = config;
    expect(log.log__init(config)).toBe(0);
    log.log__printf(null, MOSQ_LOG_NOTICE, 'first');
    log.mosquitto_log_printf(MOSQ_LOG_WARNING, 'second');
    expect(log.log__close(config)).toBe(0);
    expect(config.log_fptr).toBe(null);
    expect(readFileSync(file, 'utf8')).toBe(`${NOW}: first\n${NOW}: second\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const old = join(dir, 'old.log');
    writeFileSync(old, 'kept\n');
    const config2 = log_config({ log_dest: 0x02, log_file: old, log_timestamp: false });
    internal.db.config = config2;
    log.log__init(config2);
    log.log__printf(null, MOSQ_LOG_ERR, 'added');
    log.log__close(config2);
    expect(readFileSync(old, 'utf8')).toBe('kept\nadded\n');
    expect(stderr).toEqual([]);
  });

  it('a log file that cannot be opened sends errors only to stderr', async () => {
    const { log } = await fresh();
    const config = log_config({ log_dest: 0x02 | 0x04, log_file: join(dir, 'no/such/dir.log') });
    expect(log.log__init(config)).toBe(0);
    log.log__printf(null, MOSQ_LOG_INFO, 'dropped');
    log.log__printf(null, MOSQ_LOG_ERR, 'kept');
    expect(stderr.join('')).toBe(`${NOW}: Error: Unable to open log file ${dir}/no/such/dir.log for writing.\n${NOW}: kept\n`);
    expect(stdout).toEqual([]);
  });

  it('log_dest topic publishes to $SYS/broker/log/<level>, QoS 2, 20 s expiry, debug excepted', async () => {
    const { log } = await fresh();
    log.log__init(log_config({ log_dest: 0x10, log_type: 0xffffffff }));
    const levels: [number, string][] = [
      [MOSQ_LOG_ERR, '$SYS/broker/log/E'],
      [MOSQ_LOG_WARNING, '$SYS/broker/log/W'],
      [MOSQ_LOG_NOTICE, '$SYS/broker/log/N'],
      [MOSQ_LOG_INFO, '$SYS/broker/log/I'],
      [MOSQ_LOG_SUBSCRIBE, '$SYS/broker/log/M/subscribe'],
      [MOSQ_LOG_UNSUBSCRIBE, '$SYS/broker/log/M/unsubscribe'],
      [MOSQ_LOG_WEBSOCKETS, '$SYS/broker/log/WS'],
    ];
    for (const [level, topic] of levels) {
      log.log__printf(null, level, topic);
    }
    log.log__printf(null, MOSQ_LOG_DEBUG, 'debug');
    log.log__printf(null, MOSQ_LOG_INTERNAL, 'internal');
    expect(queued).toEqual(levels.map(([, topic]) => ({ topic, qos: 2, payload: `${NOW}: ${topic}`, retain: false, expiry: 20 })));
    expect(log.mosquitto_log_vprintf(MOSQ_LOG_ERR, 'via plugin')).toBe(0);
    expect(queued[queued.length - 1].payload).toBe(`${NOW}: via plugin`);
    expect(stderr).toEqual([]);
  });
});
