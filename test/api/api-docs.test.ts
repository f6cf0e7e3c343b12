// API docs are generated from the types by TypeDoc (`npm run docs:api` → docs/api/): every exported symbol must be
// documented and every type the API mentions exported (typedoc.json's validation, warnings are errors), and each
// export of src/api/index.ts gets its page.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'sentinel-apidocs-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** Names exported by src/api/index.ts (`export { a, type B } from …` and `export type { C } from …`). */
function exportedNames(): string[] {
  const text = readFileSync(join(ROOT, 'src', 'api', 'index.ts'), 'utf8');
  return [...text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((s) => s.trim().replace(/^type\s+/, ''))
      .filter(Boolean),
  );
}

describe('API docs (TypeDoc)', () => {
  it('generate without a warning: every exported symbol is documented, every referenced type exported', () => {
    // The compiler's own diagnostics are `npm run typecheck`'s (which `npm test` runs first): TypeDoc skips them and
    // checks what only it checks, the documentation.
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out, '--skipErrorChecking'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /\[warning\]|\[error\]/);
    const names = exportedNames();
    assert.ok(names.includes('scan') && names.includes('SentinelReport'), names.join(', '));
    const dirs = ['functions', 'classes', 'interfaces', 'type-aliases', 'variables'];
    const missing = names.filter((n) => !dirs.some((d) => existsSync(join(out, d, `${n}.md`))));
    assert.deepEqual(missing, []);
    assert.match(readFileSync(join(out, 'functions', 'scan.md'), 'utf8'), /the same\s+object `--format json` writes/);
  });
});
