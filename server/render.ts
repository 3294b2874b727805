// Server-side page rendering: handlebars templates under templates/, compiled once and cached.
// Default {{ }} escaping is the rule; templates never use {{{ }}} for user-supplied text.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { projectRoot } from './config.js';

export interface Renderer {
  /** Renders templates/<name>.hbs inside templates/<layout>.hbs (body in {{{body}}}). */
  page(name: string, data: Record<string, unknown>, layout?: string): string;
  /** Renders templates/<name>.hbs alone. */
  partial(name: string, data: Record<string, unknown>): string;
}

export function createRenderer(templatesDir = path.join(projectRoot, 'templates')): Renderer {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  /** One URL path segment (a draft key such as data/jiaojing/xianxing.csv keeps its slashes encoded). */
  hbs.registerHelper('seg', (value: unknown) => encodeURIComponent(String(value ?? '')));
  hbs.registerHelper('yuan', (fen: unknown) => (typeof fen === 'number' ? (fen / 100).toFixed(2) : ''));
  hbs.registerHelper('json', (value: unknown) =>
    // For embedding data in <script type="application/json">: escape < so "</script>" cannot close it.
    new Handlebars.SafeString(JSON.stringify(value ?? null).replace(/</g, '\\u003c')),
  );
  // templates/partials/<name>.hbs is available as {{> name}} everywhere.
  const partialsDir = path.join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(file.slice(0, -4), readFileSync(path.join(partialsDir, file), 'utf8'));
  }
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  const compile = (name: string) => {
    let t = cache.get(name);
    if (!t) {
      const file = path.join(templatesDir, `${name}.hbs`);
      t = hbs.compile(readFileSync(file, 'utf8'), { strict: false });
      cache.set(name, t);
    }
    return t;
  };
  return {
    page(name, data, layout = 'h5/layout') {
      const body = compile(name)(data);
      return compile(layout)({ ...data, body });
    },
    partial: (name, data) => compile(name)(data),
  };
}
