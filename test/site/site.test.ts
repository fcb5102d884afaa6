// The built site in headless Chromium (playwright-core driving Debian's chromium): search an
// identifier, reach its side-by-side view, follow a callee, open a note whose mermaid diagram
// is drawn as SVG; and the link checker over the whole site. The site is built first when
// site/dist is missing (`npm test` builds it before vitest runs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinks } from '../../site/linkcheck.mjs';
import { serve } from '../../site/serve.mjs';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'site', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: Server;
let browser: Browser;
let base: string;
/** Requests that left the local server (the site must not fetch anything from outside). */
const outside: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(base + path);
  return page;
}

beforeAll(async () => {
  if (!existsSync(join(dist, 'index.html'))) {
    const r = spawnSync(process.execPath, [join(root, 'site', 'build.mjs'), '--no-check'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('site build failed');
  }
  server = (await serve(dist, { port: 0 })) as Server;
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

// Generous timeouts: CI runs these next to the other test files on two cores.
describe('site in the browser', { timeout: 60_000 }, () => {
  it('search sub__add, reach its side-by-side view, follow a callee link', async () => {
    const page = await open('search.html');
    await page.fill('#q', 'sub__add');
    const hit = page.locator('section.hit[data-name="sub__add"]');
    await hit.waitFor();
    // The C definition, the TS port and the callers on both sides are in the result.
    await expect(hit.locator('.side.c a.src').first().textContent()).resolves.toMatch(/^src\/subs\.c:\d+$/);
    await expect(hit.locator('.side.ts a.src').first().textContent()).resolves.toMatch(/^src\/broker\/subs\.ts:\d+$/);
    await expect(hit.locator('.side.c .callers a', { hasText: 'handle__subscribe' }).count()).resolves.toBeGreaterThan(0);
    await expect(hit.locator('.side.ts .callers a', { hasText: 'handle__subscribe' }).count()).resolves.toBeGreaterThan(0);

    await hit.locator('.side.c a.sbs').first().click();
    await page.waitForURL(/files\/src\/subs\.c\.html#sub__add$/);
    const section = page.locator('section.fn#sub__add');
    await expect(section.isVisible()).resolves.toBe(true);
    await expect(section.locator('.side.c pre.code').count()).resolves.toBe(1);
    await expect(section.locator('.side.ts pre.code').count()).resolves.toBeGreaterThan(0);
    await expect(section.locator('.side.ts .head a').first().textContent()).resolves.toMatch(/^src\/broker\/subs\.ts:\d+$/);

    // A callee on the C side: sub__topic_tokenise, defined in src/topic_tok.c.
    const callee = section.locator('.side.c dl.calls a.callee', { hasText: 'sub__topic_tokenise' });
    await callee.click();
    await page.waitForURL(/files\/src\/topic_tok\.c\.html#sub__topic_tokenise$/);
    const target = page.locator('section.fn#sub__topic_tokenise');
    await expect(target.isVisible()).resolves.toBe(true);
    await expect(target.locator('h2').textContent()).resolves.toContain('sub__topic_tokenise');
    // ... and its callers list leads back to sub__add.
    await expect(target.locator('.side.c dl.calls a.caller', { hasText: 'sub__add' }).count()).resolves.toBeGreaterThan(0);
    await page.close();
  });

  it('the search box of any page leads to the search results', async () => {
    const page = await open('options.html');
    await page.fill('header form.search input', 'handle__publish');
    await page.press('header form.search input', 'Enter');
    await page.locator('section.hit[data-name="handle__publish"]').waitFor();
    await page.close();
  });

  it('a note with a diagram shows it rendered as SVG', async () => {
    const notes = readdirSync(join(dist, 'notes')).filter((f) => f.endsWith('.html'));
    const withDiagram = notes.find((f) => readFileSync(join(dist, 'notes', f), 'utf8').includes('<pre class="mermaid">'));
    expect(withDiagram, 'no note in site/dist/notes has a mermaid diagram').toBeTruthy();
    // From the home page's reading order when the note is listed there, else directly.
    const page = await open('index.html');
    const listed = page.locator(`ol.reading a[href="notes/${withDiagram}"]`);
    if (await listed.count()) await listed.first().click();
    else await page.goto(`${base}notes/${withDiagram}`);
    await page.waitForURL(new RegExp(`notes/${withDiagram!.replace('.', '\\.')}$`));
    await page.waitForSelector('body[data-diagrams]');
    await expect(page.getAttribute('body', 'data-diagrams')).resolves.toBe('done');
    const diagrams = await page.locator('pre.mermaid').count();
    expect(diagrams).toBeGreaterThan(0);
    await expect(page.locator('pre.mermaid svg').count()).resolves.toBe(diagrams);
    const box = await page.locator('pre.mermaid svg').first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(50);
    await page.close();
  });

  it('every diagram of every note renders', async () => {
    const notes = readdirSync(join(dist, 'notes')).filter((f) => f.endsWith('.html'))
      .filter((f) => readFileSync(join(dist, 'notes', f), 'utf8').includes('<pre class="mermaid">'));
    const failed: string[] = [];
    for (const f of notes) {
      const page = await open(`notes/${f}`);
      await page.waitForSelector('body[data-diagrams]');
      const state = await page.getAttribute('body', 'data-diagrams');
      const n = await page.locator('pre.mermaid').count();
      const drawn = await page.locator('pre.mermaid svg').count();
      const why = (await page.getAttribute('body', 'data-diagram-error')) ?? '';
      if (state !== 'done' || drawn !== n) failed.push(`${f}: ${state}, ${drawn} of ${n} drawn ${why}`.trim());
      // Function names in the drawn diagrams are links (added by script, so the link checker does not see them).
      const hrefs = await page.locator('pre.mermaid a.diagram-link').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const h of hrefs) {
        const u = new URL(h);
        const file = join(dist, decodeURIComponent(u.pathname));
        const id = decodeURIComponent(u.hash.slice(1));
        if (!existsSync(file) || (id && !readFileSync(file, 'utf8').includes(`id="${id}"`))) failed.push(`${f}: diagram link ${h} lands nowhere`);
      }
      await page.close();
    }
    expect(failed).toEqual([]);
  }, 180_000);

  it('a C file:line reference lands on the anchored line of the full C source', async () => {
    const page = await open('c/src/subs.c.html#L100');
    await expect(page.locator('#L100').isVisible()).resolves.toBe(true);
    await expect(page.evaluate(() => document.querySelector(':target')?.id)).resolves.toBe('L100');
    await page.close();
  });

  it('the API page of a ported function links its @c tag to the side-by-side view', async () => {
    const page = await open('api/index.html');
    await page.goto(`${base}api/functions/src_broker_subs.sub__add.html`);
    await page.locator('a[href$="files/src/subs.c.html#sub__add"]').first().click();
    await page.waitForURL(/files\/src\/subs\.c\.html#sub__add$/);
    await expect(page.locator('section.fn#sub__add').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('fetched nothing from outside the site', () => {
    expect(outside).toEqual([]);
  });
});

describe('site links', { timeout: 60_000 }, () => {
  it('no internal link in the whole site is broken', () => {
    const r = checkLinks(dist);
    expect(r.files).toBeGreaterThan(100);
    expect(r.broken.map((b) => `${b.from} -> ${b.href} (${b.why})`)).toEqual([]);
  });
});
