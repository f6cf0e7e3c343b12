// The container image, checked without a container engine (none runs on this machine; neither Debian nor npm
// offers hadolint without downloading its binary at run time): the Dockerfile parses and validates cleanly with
// dockerfile-utils (the validator of the Dockerfile language server), and states what the image promises — slim
// Node 20 base, the packed package installed without install scripts, a non-root user, nothing written at run
// time, `ENTRYPOINT ["sentinel"]`. The install it performs is the one test/package/npm-package.test.ts runs.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

const ROOT = join(import.meta.dirname, '..', '..');
const TEXT = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('Dockerfile', () => {
  it('validates without a diagnostic (dockerfile-utils, every check at its default severity)', () => {
    const diagnostics = validate(TEXT);
    assert.deepEqual(
      diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`),
      [],
    );
    // The validator can fail: an instruction without its argument, an unknown flag.
    assert.ok(validate(TEXT.replace('USER node', 'USER')).length > 0);
    assert.ok(validate(TEXT.replace('COPY --from=build', 'COPY --form=build')).length > 0);
  });

  it('builds from the packed package on a slim Node 20 base and runs as a non-root user with ENTRYPOINT sentinel', () => {
    const df = DockerfileParser.parse(TEXT);
    const froms = df.getFROMs();
    assert.equal(froms.length, 2);
    for (const f of froms) assert.match(f.getImage() ?? '', /^node:20-[a-z]+-slim$/);
    const instructions = df.getInstructions();
    const last = instructions.filter((i) => i.getRange().start.line > froms[1]!.getRange().start.line);
    const user = last.filter((i) => i.getKeyword() === 'USER').map((i) => i.getArgumentsContent());
    assert.deepEqual(user, ['node']);
    const entry = last.find((i) => i.getKeyword() === 'ENTRYPOINT');
    assert.equal(entry?.getArgumentsContent(), '["sentinel"]');
    const runs = last.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    assert.ok(
      runs.some((r) => /npm install --global .*--ignore-scripts.*sentinel-ml\.tgz/.test(r)),
      runs.join('\n'),
    );
    // Every feature in the image: the optional packages (queue, service metrics, Sigstore) beside the package.
    assert.ok(
      runs.some((r) => r.includes('$(cat /tmp/optional-packages.txt)')),
      runs.join('\n'),
    );
    assert.match(TEXT, /p\.peerDependencies/);
    // The build stage installs dependencies before the sources arrive (npm ci must not run the build without them).
    const build = instructions.filter((i) => i.getRange().start.line < froms[1]!.getRange().start.line);
    const order = build.map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`);
    assert.ok(
      order.findIndex((s) => s.startsWith('RUN npm ci --ignore-scripts')) < order.findIndex((s) => s === 'COPY . .'),
      order.join('\n'),
    );
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) assert.ok(existsSync(join(ROOT, f)), f);
  });

  it('.dockerignore keeps host node_modules, builds and tests out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', '.git', 'test']) assert.ok(ignored.includes(p), p);
  });
});
