// Generates server/model/generated.ts from schemas/*.schema.json: the schemas are the one source
// of truth and the TypeScript types follow them. `--check` fails when the checked-in file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { compile } from 'json-schema-to-typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaNames = ['account', 'topic', 'department', 'matter'];
const target = path.join(root, 'server/model/generated.ts');

export async function generateTypes(): Promise<string> {
  const parts: string[] = ['// Generated from schemas/*.schema.json by `npm run gen:types`. Do not edit.\n'];
  const seen = new Set<string>();
  for (const name of schemaNames) {
    const file = path.join(root, 'schemas', `${name}.schema.json`);
    const schema = JSON.parse(await readFile(file, 'utf8'));
    const ts = await compile(schema, schema.title, {
      cwd: path.join(root, 'schemas'),
      bannerComment: '',
      additionalProperties: false,
      declareExternallyReferenced: true,
      ignoreMinAndMaxItems: true,
      style: { singleQuote: true },
    });
    // Shared definitions appear in several outputs; keep each declaration once.
    for (const block of ts.split(/\n(?=export )/)) {
      const m = /^export (?:interface|type) (\w+)/.exec(block.trim());
      const key = m?.[1] ?? block;
      if (seen.has(key)) continue;
      seen.add(key);
      parts.push(block.trim() + '\n');
    }
  }
  return parts.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = await generateTypes();
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== out) {
      console.error('server/model/generated.ts is stale: run npm run gen:types');
      process.exit(1);
    }
  } else {
    await writeFile(target, out);
    console.log(`wrote ${path.relative(root, target)}`);
  }
}
