/* global process */
// TypeDoc plugin for the companion site: every documented function of the port gets a `@c` block
// linking to its C original's side-by-side page (the `@c` tag's own text where the function has
// one, the cross-linker's pairing otherwise), and site-root placeholders in links become
// relative paths so the API pages work from file:// as well as from the local server.
//
// The pairing comes from a JSON file the site build writes (path in MOSQUITTO_TS_SITE_CMAP):
// { "<ts file>\u0000<name>": { "label": "src/subs.c sub__add", "href": "files/src/subs.c.html#sub__add" } }
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { Comment, CommentTag, Converter, ReflectionKind, Renderer } from 'typedoc';

export const SITE = '@@SITE@@/';

/** @param {import('typedoc').Application} app */
export function load(app) {
  const mapFile = process.env.MOSQUITTO_TS_SITE_CMAP;
  const map = mapFile ? JSON.parse(readFileSync(mapFile, 'utf8')) : {};
  const root = process.env.MOSQUITTO_TS_ROOT ?? process.cwd();
  app.internationalization.addTranslations('en', { tag_c: 'C original', tag_adapted: 'Adapted', tag_tsonly: 'TS only' });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    // "Defined in" links go to the site's own TS source pages.
    for (const refl of Object.values(context.project.reflections)) {
      for (const src of refl.sources ?? []) {
        if (!src.fullFileName) continue;
        src.url = `${SITE}ts/${relative(root, src.fullFileName).split(sep).join('/')}.html#L${src.line}`;
      }
    }
    const kinds = ReflectionKind.Function | ReflectionKind.Method | ReflectionKind.Variable;
    for (const refl of context.project.getReflectionsByKind(kinds)) {
      const src = refl.sources?.[0];
      if (!src?.fullFileName) continue;
      const file = relative(root, src.fullFileName).split(sep).join('/');
      const target = map[`${file}\u0000${refl.name}`];
      if (!target) continue;
      const holders = refl.signatures?.length ? refl.signatures : [refl];
      for (const h of holders) {
        if (!h.comment) h.comment = new Comment();
        const text = `[${target.label}](${SITE}${target.href})`;
        const existing = h.comment.blockTags.find((t) => t.tag === '@c');
        if (existing) existing.content = [{ kind: 'text', text }];
        else h.comment.blockTags.unshift(new CommentTag('@c', [{ kind: 'text', text }]));
      }
    }
  });

  app.renderer.on(Renderer.EVENT_END_PAGE, (page) => {
    if (!page.contents) return;
    const depth = page.url.split('/').length; // api/ itself is one level below the site root
    page.contents = page.contents.split(SITE).join('../'.repeat(depth));
  });
}
