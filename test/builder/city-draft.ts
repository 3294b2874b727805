// A mutable copy of the test/fixtures/city-min city: each test changes one thing, then builds.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAccount } from '../../server/builder/build-account.js';
import type { CityFiles } from '../../server/builder/load-city.js';
import type { AccountBuild, Diagnostic } from '../../server/builder/types.js';

export const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/city-min');
export const BASE_URL = 'https://gov.example.cn';

// Tests deliberately write invalid values, so the draft holds plain JSON, not the generated types.
export type Json = any;

function readFixture(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const name of readdirSync(fixtureDir)) {
    if (name.endsWith('.json')) texts.set(name, readFileSync(path.join(fixtureDir, name), 'utf8'));
  }
  for (const name of readdirSync(path.join(fixtureDir, 'departments'))) {
    texts.set(`departments/${name}`, readFileSync(path.join(fixtureDir, 'departments', name), 'utf8'));
  }
  return texts;
}

const fixtureTexts = readFixture();

export class CityDraft {
  readonly values = new Map<string, Json>();
  /** Files whose raw text a test set directly (e.g. broken JSON). */
  readonly texts = new Map<string, string>();

  static fixture(): CityDraft {
    const draft = new CityDraft();
    for (const [p, text] of fixtureTexts) draft.values.set(p, JSON.parse(text));
    return draft;
  }

  get account(): Json {
    return this.file('account.json');
  }
  topic(id: string): Json {
    return this.file(`${id}.json`);
  }
  department(id: string): Json {
    return this.file(`departments/${id}.json`);
  }
  service(ref: string): Json {
    const [department, id] = ref.split('/');
    const found = this.department(department!).services.find((s: Json) => s.id === id);
    if (!found) throw new Error(`no service ${ref} in the fixture`);
    return found;
  }
  file(p: string): Json {
    const value = this.values.get(p);
    if (value === undefined) throw new Error(`no file ${p} in the draft`);
    return value;
  }
  set(p: string, value: Json): this {
    this.values.set(p, value);
    return this;
  }
  remove(p: string): this {
    this.values.delete(p);
    this.texts.delete(p);
    return this;
  }
  setText(p: string, text: string): this {
    this.values.delete(p);
    this.texts.set(p, text);
    return this;
  }
  /** The exact text a file is built from (2-space JSON, as the fixture files are written). */
  textOf(p: string): string {
    return this.texts.get(p) ?? JSON.stringify(this.file(p), null, 2);
  }
  toFiles(): CityFiles {
    const paths = [...this.values.keys(), ...this.texts.keys()];
    return { files: paths.map((p) => ({ path: p, text: this.textOf(p) })) };
  }
  build(publicBaseUrl = BASE_URL): AccountBuild {
    return buildAccount(this.toFiles(), { publicBaseUrl });
  }
}

export function withCode(build: AccountBuild, code: string): Diagnostic[] {
  return build.diagnostics.filter((d) => d.code === code);
}

export function codesOf(build: AccountBuild): string[] {
  return [...new Set(build.diagnostics.map((d) => d.code))].sort();
}

/** 1-based line:column of the first occurrence of `needle` in `text`, to check diagnostic positions. */
export function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
