/*
 * db_dump on mosquitto's own persistence fixtures (read in place from the C tree): the text on
 * stdout and stderr and the exit status are those of mosquitto's db_dump built from the 2.0.11
 * source (the expected texts below were taken from it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/apps/db_dump/db_dump.js';
import { FIXTURES } from '../helpers/persist.js';

let stdout: string;
let stderr: string;

/** Runs db_dump with these arguments; returns the exit status. */
function run(...args: string[]): number {
  stdout = '';
  stderr = '';
  return main(['db_dump', ...args]);
}

const fixture = (name: string): string => join(FIXTURES, name);

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('db_dump', () => {
  it('prints every chunk of a version 6 file, properties included', () => {
    expect(run(fixture('persist_read/v6-client-message-props.test-db'))).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe([
      'Mosquitto DB dump',
      'CRC: 0',
      'DB version: 6',
      'DB_CHUNK_CFG:',
      '\tLength: 16',
      '\tShutdown: 1',
      '\tDB ID size: 8',
      '\tLast DB ID: 8671175384462524416',
      'DB_CHUNK_MSG_STORE:',
      '\tLength: 61',
      '\tStore ID: 84',
      '\tSource Port: 1883',
      '\tSource MID: 2',
      '\tTopic: topic',
      '\tQoS: 2',
      '\tRetain: 1',
      '\tPayload Length: 7',
      '\tExpiry Time: 0',
      '\tPayload: payload',
      'DB_CHUNK_CLIENT:',
      '\tLength: 40',
      '\tClient ID: client-id',
      '\tUsername: usrname',
      '\tListener port: 1883',
      '\tLast MID: 21127',
      '\tSession expiry time: 35',
      '\tSession expiry interval: 4294967295',
      'DB_CHUNK_CLIENT_MSG:',
      '\tLength: 28',
      '\tClient ID: client-id',
      '\tStore ID: 84',
      '\tMID: 115',
      '\tQoS: 1',
      '\tRetain: 0',
      '\tDirection: 1',
      '\tState: 3',
      '\tDup: 0',
      '\tProperties:',
      '\t\tPayload format indicator: 1',
      '',
    ].join('\n'));
  });

  it('prints subscriptions and version 3 chunks (whose lengths are 0)', () => {
    expect(run(fixture('persist_read/v6-sub.test-db'))).toBe(0);
    expect(stdout).toContain([
      'DB_CHUNK_SUB:',
      '\tLength: 33',
      '\tClient ID: client-id',
      '\tTopic: subscription',
      '\tQoS: 1',
      '\tSubscription ID: 30243',
      '\tOptions: 0x0C',
      '',
    ].join('\n'));
    expect(run(fixture('persist_read/v3-client.test-db'))).toBe(0);
    expect(stdout).toContain([
      'DB_CHUNK_CLIENT:',
      '\tLength: 0',
      '\tClient ID: client-id',
      '\tLast MID: 21127',
      '\tSession expiry time: 0',
      '\tSession expiry interval: 0',
      '',
    ].join('\n'));
    expect(run(fixture('persist_read/v6-retain.test-db'))).toBe(0);
    expect(stdout).toContain('DB_CHUNK_RETAIN:\n\tLength: 0\n\tStore ID: 84\n');
  });

  it('--stats counts the chunks of each type', () => {
    expect(run('--stats', fixture('persist_write/v4-full.test-db'))).toBe(0);
    expect(stdout).toBe([
      'DB_CHUNK_CFG:        1',
      'DB_CHUNK_MSG_STORE:  3',
      'DB_CHUNK_CLIENT_MSG: 2',
      'DB_CHUNK_RETAIN:     1',
      'DB_CHUNK_SUB:        2',
      'DB_CHUNK_CLIENT:     2',
      '',
    ].join('\n'));
  });

  it('--client-stats adds up subscriptions and messages per client', () => {
    expect(run('--client-stats', fixture('persist_write/v4-full.test-db'))).toBe(0);
    expect(stdout).toBe('SC: 1 SS: 33 MC: 0 MS: 0   durable1\nSC: 1 SS: 28 MC: 2 MS: 180   durable2\n');
  });

  it('reports bad files as mosquitto does', () => {
    expect(run(fixture('persist_read/v3-cfg-bad-dbid.test-db'))).toBe(1);
    expect(stdout).toBe('Mosquitto DB dump\nCRC: 0\nDB version: 3\nDB_CHUNK_CFG:\n\tLength: 10\n\tShutdown: 1\n\tDB ID size: 9\n');
    expect(stderr).toBe('Error: Incompatible database configuration (dbid size is 9 bytes, expected 8)');

    expect(run(fixture('persist_read/v5-bad-chunk.test-db'))).toBe(0);
    expect(stderr).toBe('Warning: Unsupported chunk "-1" in persistent database file. Ignoring.\n');
    expect(stdout).toContain('\tLast DB ID: 23\n');

    expect(run(fixture('persist_read/v3-cfg-truncated.test-db'))).toBe(1);
    expect(stderr).toBe('Error: Corrupt persistent database.');

    expect(run(fixture('persist_read/corrupt-header-long.test-db'))).toBe(1);
    expect(stderr).toBe('Error: Unrecognised file format.');

    expect(run(fixture('persist_read/unsupported-version.test-db'))).toBe(0);
    expect(stdout).toBe('Mosquitto DB dump\nCRC: 0\nDB version: -1\n'
      + 'Warning: mosquitto_db_dump does not support this DB version, continuing but expecting errors.\n');
  });

  it('an empty file is a read error; a missing file is only a message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-dump-'));
    try {
      writeFileSync(join(dir, 'empty.db'), '');
      expect(run(join(dir, 'empty.db'))).toBe(1);
      expect(stderr).toBe('Error: Success.');
      expect(run(join(dir, 'missing.db'))).toBe(0);
      expect(stderr).toBe(`Error: Unable to open ${join(dir, 'missing.db')}\n`);
      expect(stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its usage for bad arguments', () => {
    for (const args of [[], ['--other', 'file'], ['a', 'b', 'c']]) {
      expect(run(...args)).toBe(1);
      expect(stderr).toBe('Usage: db_dump [--stats | --client-stats] <mosquitto db filename>\n');
    }
  });
});
