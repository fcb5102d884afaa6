/* global process, performance */
// Small helpers shared by the site generator: escaping, site-relative links, file output,
// and the progress display.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escape text (also safe inside double-quoted attributes). */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]);
}

/**
 * The link from the page at site path `from` to the site path `to` (both relative to the site
 * root, '/'-separated; `to` may carry a #fragment). Relative, so the site works from file:// too.
 */
export function rel(from, to) {
  const hash = to.indexOf('#');
  const path = hash < 0 ? to : to.slice(0, hash);
  const frag = hash < 0 ? '' : to.slice(hash);
  if (path === '') return frag || '#';
  if (path === from) return frag || posix.basename(path);
  const r = posix.relative(posix.dirname(from), path);
  return encodeURI(r) + frag;
}

/** Site paths of the page kinds. */
export const href = {
  sbs: (cFile, anchor) => `files/${cFile}.html${anchor ? `#${anchor}` : ''}`,
  c: (cFile, line) => `c/${cFile}.html${line ? `#L${line}` : ''}`,
  ts: (tsFile, line) => `ts/${tsFile}.html${line ? `#L${line}` : ''}`,
  note: (name, frag) => `notes/${name}.html${frag ? `#${frag}` : ''}`,
};

/** A fragment id safe in HTML and URLs. */
export function anchorId(s) {
  return String(s).replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Writes `text` to `root/sitePath`, making folders as needed. */
export function writePage(root, sitePath, text) {
  const file = join(root, sitePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * Progress display: each step prints its name and, when done, its time; on a terminal a bar
 * counts the step's items as they go.
 */
export function progress(stream = process.stderr) {
  const tty = Boolean(stream.isTTY);
  const t0 = performance.now();
  return {
    step(name, total = 0) {
      const s0 = performance.now();
      let n = 0;
      let last = 0;
      const line = () => {
        const width = 24;
        const filled = total ? Math.round((n / total) * width) : 0;
        return `  ${name.padEnd(28)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total}`;
      };
      stream.write(tty ? `  ${name} ...` : `  ${name} ...\n`);
      return {
        tick(k = 1) {
          n += k;
          if (!tty || !total) return;
          const now = performance.now();
          if (now - last > 40 || n === total) {
            last = now;
            stream.write(`\r${line().slice(0, (stream.columns || 80) - 1)}\x1b[K`);
          }
        },
        done(note = '') {
          const ms = performance.now() - s0;
          const text = `  ${name.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(5)} s${total ? `  ${total} items` : ''}${note ? `  ${note}` : ''}`;
          stream.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
        },
      };
    },
    elapsed() {
      return (performance.now() - t0) / 1000;
    },
  };
}
