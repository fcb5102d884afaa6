/* global process, console */
// Runs TypeDoc over the port (the files the cross-linker reads) into site/dist/api. Run by the
// site build as a child process (so it works in parallel with the other pages):
//   node site/typedoc.mjs <out dir> <entry list file> <c map file>
// Prints one line per warning count and exits non-zero when TypeDoc produced no output.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, OptionDefaults } from 'typedoc';
import { SITE } from './typedoc-plugin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const [out, entriesFile, cmap] = process.argv.slice(2);
process.env.MOSQUITTO_TS_SITE_CMAP = resolve(cmap);
process.env.MOSQUITTO_TS_ROOT = root;

const entryPoints = JSON.parse(readFileSync(entriesFile, 'utf8')).map((f) => join(root, f));
const app = await Application.bootstrapWithPlugins({
  name: 'mosquitto-ts API',
  entryPoints,
  entryPointStrategy: 'resolve',
  tsconfig: join(root, 'tsconfig.json'),
  out: resolve(out),
  plugin: [join(here, 'typedoc-plugin.mjs')],
  blockTags: [...OptionDefaults.blockTags, '@c', '@adapted', '@tsonly'],
  readme: 'none',
  skipErrorChecking: true,
  disableGit: true,
  basePath: root,
  sourceLinkTemplate: `${SITE}ts/{path}.html#L{line}`,
  navigationLinks: { 'Site home': `${SITE}index.html`, Search: `${SITE}search.html` },
  githubPages: false,
  hideGenerator: true,
  cleanOutputDir: true,
  excludeExternals: true,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: LogLevel.Error,
  sort: ['source-order'],
});

const project = await app.convert();
if (!project) {
  console.error('typedoc: conversion failed');
  process.exit(1);
}
await app.generateOutputs(project);
const n = project.getReflectionsByKind(0xffffffff).length;
console.log(`typedoc: ${n} reflections, ${app.logger.warningCount} warnings, ${app.logger.errorCount} errors`);
