#!/usr/bin/env node
/**
 * Command line entry point of mosquitto-ts-passwd: hands the arguments to the port of
 * mosquitto_passwd's main() and exits with its status.
 * @module
 */
import { main } from '../apps/mosquitto_passwd/mosquitto_passwd.js';

process.exitCode = await main(process.argv.slice(1));
