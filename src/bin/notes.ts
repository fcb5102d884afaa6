#!/usr/bin/env node
/**
 * Command line entry point of the notes generator: `notes.js` writes notes/*.md from
 * notes/src/*.md, `notes.js --check` only reports what is stale or broken.
 * @module
 */
import { notesMain } from '../xref/notes.js';

process.exitCode = await notesMain(process.argv.slice(2));
