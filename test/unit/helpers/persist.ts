/**
 * Test helpers for persistence: where mosquitto's own persistence fixtures are (read in place
 * from the unpacked C tree, never copied).
 */
import { join } from 'node:path';

/** The C tree's test/unit/files folder (persist_read/, persist_write/). */
export const FIXTURES = join(__dirname, '../../../mosquitto-src/mosquitto-2.0.11/test/unit/files');
