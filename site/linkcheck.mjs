#!/usr/bin/env node
/* global process, console, performance */
// Link checker for the built site: every internal href/src in every HTML page must name a file
// that exists in the site, and every #fragment an id (or <a name>) in the target page.
//   node site/linkcheck.mjs [dir]      (default site/dist; exit 1 when a link is broken)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };
const unent = (s) => s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e) => ENT[e]);

function walk(dir, acc = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (e.name.endsWith('.html')) acc.push(p);
  }
  return acc;
}

/** Ids a page or SVG defines. */
function idsOf(text) {
  const ids = new Set();
  for (const m of text.matchAll(/\s(?:id|name)="([^"]*)"/g)) ids.add(unent(m[1]));
  return ids;
}

/**
 * Checks `dir`. Returns the number of pages and internal links seen and the broken ones
 * ({ from, href, why }).
 */
export function checkLinks(dir) {
  const root = resolve(dir);
  const pages = walk(root);
  const idCache = new Map();
  const ids = (file) => {
    if (!idCache.has(file)) idCache.set(file, idsOf(readFileSync(file, 'utf8')));
    return idCache.get(file);
  };
  const broken = [];
  let links = 0;
  for (const file of pages) {
    const text = readFileSync(file, 'utf8');
    idCache.set(file, idsOf(text));
    for (const m of text.matchAll(/<(?:a|link|script|img|use|iframe|source|area)\b[^>]*?\s(?:href|src|xlink:href)="([^"]*)"/g)) {
      const raw = unent(m[1]);
      if (raw === '' || raw === '#' || /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) continue;
      links++;
      const hash = raw.indexOf('#');
      const pathPart = (hash < 0 ? raw : raw.slice(0, hash)).replace(/\?.*$/, '');
      const frag = hash < 0 ? null : decodeURIComponent(raw.slice(hash + 1));
      let target = file;
      if (pathPart) {
        let decoded;
        try {
          decoded = decodeURIComponent(pathPart);
        } catch {
          broken.push({ from: relative(root, file), href: raw, why: 'bad percent-encoding' });
          continue;
        }
        target = decoded.startsWith('/') ? join(root, decoded) : resolve(dirname(file), decoded);
        if (!target.startsWith(root + sep) && target !== root) {
          broken.push({ from: relative(root, file), href: raw, why: 'leaves the site' });
          continue;
        }
        if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
        if (!existsSync(target)) {
          broken.push({ from: relative(root, file), href: raw, why: 'no such file' });
          continue;
        }
      }
      if (frag && /\.(html|svg)$/.test(target) && !ids(target).has(frag)) {
        broken.push({ from: relative(root, file), href: raw, why: `no id "${frag}" in ${relative(root, target)}` });
      }
    }
  }
  return { files: pages.length, links, broken };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'dist');
  const t0 = performance.now();
  const r = checkLinks(dir);
  for (const b of r.broken) console.log(`broken: ${b.from} -> ${b.href} (${b.why})`);
  console.log(`link check: ${r.files} pages, ${r.links} internal links, ${r.broken.length} broken (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  process.exitCode = r.broken.length ? 1 : 0;
}
