// Layering: a lower room never imports a higher one. The order is the data flow of a scan:
// core ← sources ← formats ← analyzers ← provenance ← rules ← scan ← policy ← convert ← report ← api ← service ← cli.
// provenance (signature verification) reads files and yields verdicts the SIGN rules turn into findings.
// convert (sentinel convert) scans and gates its input first, so it sits above scan and policy; its report is
// rendered by report, so it sits below. service (sentinel serve, the Redis queue) runs scans through the api.
// (`import type` counts too: a type that a lower room needs belongs in that room or below.)
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');
const ORDER = [
  'core',
  'sources',
  'formats',
  'analyzers',
  'provenance',
  'rules',
  'scan',
  'policy',
  'convert',
  'report',
  'api',
  'service',
  'cli',
];

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (e.endsWith('.ts')) yield p;
  }
}

function room(file: string): string {
  return relative(SRC, file).split(sep)[0]!;
}

/** Every `from '…'` and `import('…')` specifier that points inside src/. */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
}

function layeringViolations(): string[] {
  const out: string[] = [];
  for (const file of tsFiles(SRC)) {
    const from = room(file);
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const to = room(resolve(dirname(file), spec));
      if (ORDER.indexOf(to) > ORDER.indexOf(from)) out.push(`${relative(SRC, file)} → ${spec} (${from} imports ${to})`);
    }
  }
  return out;
}

describe('layering', () => {
  it('every top-level room under src/ has a place in the order', () => {
    const rooms = readdirSync(SRC).filter((e) => statSync(join(SRC, e)).isDirectory());
    assert.deepEqual(
      rooms.filter((r) => !ORDER.includes(r)),
      [],
    );
  });

  it('no room imports a room above it', () => {
    assert.deepEqual(layeringViolations(), []);
  });

  it('the check sees an upward import (self-test on a synthetic line)', () => {
    assert.deepEqual(relativeImports("import { x } from '../rules/rule.js';\nconst m = await import('./a.js');"), [
      '../rules/rule.js',
      './a.js',
    ]);
  });
});
