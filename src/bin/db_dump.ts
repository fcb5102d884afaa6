#!/usr/bin/env node
/**
 * Command line entry point of mosquitto-ts-db-dump: hands the arguments to the port of db_dump's
 * main() and exits with its status.
 * @module
 */
import { main } from '../apps/db_dump/db_dump.js';

process.exitCode = main(process.argv.slice(1));
