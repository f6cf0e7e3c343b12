// Tool caches a directory walk leaves out by default and lists as skipped: a Sphinx doctree cache is recognised by
// the build environment sphinx-build writes into it, not by its folder name alone; a file in it named explicitly is
// scanned like any other.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { P, evilPickle } from '../helpers/pickle-builder.js';

let dir: string;
/** A pickle importing the class sphinx-build pickles its environment as (the sphinx-docutils pack reviews it). */
const environment = (): Uint8Array =>
  new P().proto(4).op(0x63, 'sphinx.environment\nBuildEnvironment\n').op(0x29).op(0x81).stop().bytes();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-tool-cache-'));
  for (const d of ['docs/_build/doctrees/', 'docs/_build/html/.doctrees/', 'data/doctrees']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  writeFileSync(join(dir, 'docs/_build/doctrees/environment.pickle'), environment());
  writeFileSync(join(dir, 'docs/_build/doctrees/index.doctree'), environment());
  writeFileSync(join(dir, 'docs/_build/html/.doctrees/environment.pickle'), environment());
  writeFileSync(
    join(dir, 'docs/_build/doctrees/bibtex.pickle'),
    new P().proto(4).op(0x63, 'sphinxcontrib.bibtex.cache\nCache\n').op(0x29).op(0x81).stop().bytes(),
  );
  // A folder merely named doctrees, without the build environment: walked and scanned.
  writeFileSync(join(dir, 'data/doctrees/model.pkl'), evilPickle());
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('Sphinx doctree caches', () => {
  it('are left out of a folder walk and listed as skipped with the reason', async () => {
    const r = await scanPaths([dir]);
    const skipped = (r.skipped ?? []).filter((s) => s.reason.startsWith('Sphinx documentation build cache'));
    assert.deepEqual(skipped.map((s) => s.path.split('\\').join('/').replace(`${dir}/`, '')).sort(), [
      'docs/_build/doctrees/',
      'docs/_build/html/.doctrees/',
    ]);
    assert.ok(!r.files.some((f) => f.path.includes('_build')), 'nothing under the build folder was scanned');
  });
  it('a folder named doctrees without the build environment is scanned', async () => {
    const r = await scanPaths([dir]);
    assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC' && f.location.chain[0]!.includes('data')));
  });
  it('a cache file named explicitly is scanned', async () => {
    // The build environment is a class the sphinx-docutils pack reviews: read, and passed.
    const r = await scanPaths([join(dir, 'docs/_build/doctrees/environment.pickle')]);
    assert.equal(r.files.length, 1);
    assert.deepEqual(r.findings, []);
    // An extension's class in it is no reviewed name: reported as what the file is.
    const ext = await scanPaths([join(dir, 'docs/_build/doctrees/bibtex.pickle')]);
    assert.equal(ext.files.length, 1);
    const f = ext.findings.find((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT');
    assert.ok(f);
    assert.match(f.evidence.signal, /Sphinx documentation build cache/);
  });
});
