// Sphinx documentation build caches (the environment and the doctrees sphinx-build pickles under _build/doctrees),
// read through the sphinx, docutils and MyST-Parser history packs: real caches of three releases built here pass
// (Sphinx 5.3.0 with docutils 0.19, alone and with MyST-Parser 0.18.1, 7.2.6 with 0.19, 7.4.7 with 0.21.2, made by
// scripts/fixtures/sphinx-cache.py), as do a public project's Sphinx 1.5 cache when its mirror is present, and the
// same classes in shapes Sphinx never writes are blocked: a node or a configuration given items, a Text node rebuilt from an object, a
// translation proxy holding anything but Sphinx's own translation function and strings, a state that calls os.system.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anomalyOf, assertPasses, fixtureDir, scanFixture } from '../helpers/proof-fixtures.js';
import { unknownNameAdvice } from '../../src/rules/unknown-name-advice.js';
import { mirroredManifest, type MirroredFile } from '../helpers/mirrors.js';
import { scanBytes } from '../../src/scan/engine.js';

const DIR = fixtureDir('sphinx-cache');

interface Build {
  readonly label: string;
  readonly sphinx: string;
  readonly docutils: string;
  readonly files: readonly string[];
}
const builds = JSON.parse(readFileSync(join(DIR, 'builds.json'), 'utf8')) as Build[];
const twins = JSON.parse(readFileSync(join(DIR, 'twins.json'), 'utf8')) as Record<
  'hostile' | 'benign',
  { file: string; what: string }[]
>;

// What blocks each hostile twin: the anomaly of the check it fails, or (the control) the call it makes.
const BLOCKED_BY: Record<string, RegExp> = {
  'node-items.pickle': /docutils\.nodes\.paragraph: the library never gives it items/,
  'text-object.pickle': /call of docutils\.nodes\.Text with object/,
  'proxy-call-class.pickle': /_TranslationProxy with a first argument that is collections\.OrderedDict/,
  'proxy-lone-arg.pickle': /_TranslationProxy with a first argument that is object/,
  'proxy-state-args.pickle': /_TranslationProxy: a translation function whose arguments are not a tuple of strings/,
  'config-items.pickle': /sphinx\.config\.Config: the library never gives it items/,
  'environment-system.pickle': /os\.system/,
  'warning-stream-call.pickle': /WarningStream: the sphinx-docutils pack admits it only rebuilt through __new__/,
};
// The twins blocked because they call a class the pack admits only rebuilt (a call no release writes), not by a
// shape check: the control, and Sphinx 1.5's warning stream called.
const CALLS = new Set(['environment-system.pickle', 'warning-stream-call.pickle']);

describe('Sphinx build caches: real releases pass, other shapes are blocked', () => {
  it('has three releases built here (one also with the MyST extension), each with the environment and doctrees', () => {
    assert.deepEqual(builds.map((b) => b.sphinx).sort(), ['5.3.0', '5.3.0', '7.2.6', '7.4.7']);
    assert.ok(builds.some((b) => b.label.endsWith('-myst') && b.files.includes('page.doctree')));
    assert.deepEqual(new Set(builds.map((b) => b.docutils)), new Set(['0.19', '0.21.2']));
    for (const b of builds) {
      assert.ok(b.files.includes('environment.pickle'), b.label);
      assert.ok(b.files.filter((f) => f.endsWith('.doctree')).length >= 3, b.label);
    }
  });

  for (const b of builds)
    for (const file of b.files)
      it(`passes: Sphinx ${b.sphinx} (docutils ${b.docutils}) ${file}`, async () => {
        assertPasses(await scanFixture(join(DIR, b.label, file)));
      });

  for (const t of twins.benign)
    it(`passes: ${t.file} (${t.what})`, async () => {
      assertPasses(await scanFixture(join(DIR, 'benign', t.file)));
    });

  it('every hostile twin has its expected reason', () => {
    assert.deepEqual(readdirSync(join(DIR, 'hostile')).sort(), Object.keys(BLOCKED_BY).sort());
  });

  for (const t of twins.hostile)
    it(`blocked: ${t.file} (${t.what})`, async () => {
      const { blocking, why } = await scanFixture(join(DIR, 'hostile', t.file), 600);
      const want = BLOCKED_BY[t.file]!;
      // Those making a call no pack admits are blocked for the call; every other twin fails the shape check of the
      // class it misuses.
      const control = CALLS.has(t.file);
      assert.ok(
        blocking.some((f) => want.test(f.evidence.signal) && (control || anomalyOf(f) === 'OFF_SHAPE_CALL')),
        `${t.file} is not blocked for ${want}:\n${why}`,
      );
    });

  it('an unknown name of a reviewed documentation library says what the file is and that the pack leaves it out', () => {
    const advice = unknownNameAdvice('sphinx.ext.unknown.Thing', true);
    assert.match(advice.toolCache ?? '', /Sphinx documentation build cache/);
    assert.match(advice.text, /sphinx-docutils pack/);
  });
});

// Caches of releases no interpreter here can build (Sphinx 1.5 needs an older Python), as public projects committed
// them: read from git mirrors through a manifest, never committed.
const real = mirroredManifest<MirroredFile & { readonly sha256: string; readonly writer: string }>(
  new URL('../fixtures/real-world/sphinx-cache-manifest.json', import.meta.url),
  'no real Sphinx cache of an older release present',
);
describe('real Sphinx caches of older releases', { skip: real.skip }, () => {
  for (const { e, bytes } of real.present)
    it(`passes: ${e.repository} ${e.path} (${e.writer})`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const report = await scanBytes('environment.pickle', bytes);
      assert.deepEqual(
        report.findings.filter((f) => f.severity !== 'LOW' && f.severity !== 'INFO').map((f) => f.evidence.signal),
        [],
      );
    });
});
