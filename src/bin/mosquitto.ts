#!/usr/bin/env node
/**
 * Command-line entry point: `mosquitto-ts [-c config] [-d] [-p port] [-v]`, as mosquitto.
 *
 * Before the broker loads, V8's young generation is kept at its starting size: by default it
 * doubles whenever a burst of allocation fills it and keeps the room, which after a burst of
 * connections left about 2 KiB of idle heap per client (see bench/RESULTS.md).
 * @module
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../broker/mosquitto.js');

process.exitCode = await main(process.argv.slice(1));
