#!/usr/bin/env node
/**
 * Command-line entry point: `mosquitto-ts [-c config] [-d] [-p port] [-v]`, as mosquitto.
 * @module
 */
import { main } from '../broker/mosquitto.js';

process.exitCode = await main(process.argv.slice(1));
