#!/usr/bin/env node
/**
 * Command line entry point of mosquitto-ts-xref, the cross-linker between mosquitto's C and the
 * port: hands the arguments to src/xref/cli.ts and exits with its status.
 * @module
 */
import { main } from '../xref/cli.js';

process.exitCode = await main(process.argv.slice(2));
