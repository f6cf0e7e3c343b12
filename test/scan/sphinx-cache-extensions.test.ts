// Sphinx documentation build caches of projects that use popular extensions, read through the history packs of
// pybtex, sphinxcontrib-bibtex, sphinxcontrib-programoutput, sphinx-external-toc and MyST-NB and CPython's syntax-tree
// nodes (the python pack): real caches built here (scripts/fixtures/sphinx-cache-extensions.py: Debian's Sphinx 5.3.0 with
// the extensions as Debian packages them and from source trees of other releases) pass; a cache of
// sphinxcontrib-programoutput holds its commands (Command, whose constructor resolves a path on the file system) and
// is reported as a documentation build cache; the extensions' classes in shapes they never write, or holding a planted
// call, are blocked, and a name no pack reviews beside them is reported as a documentation build cache's; public
// projects' committed caches, when their mirrors are present, report only the names no pack admits.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anomalyOf, assertPasses, fixtureDir, scanFixture } from '../helpers/proof-fixtures.js';
import { mirroredManifest, type MirroredFile } from '../helpers/mirrors.js';
import { scanBytes } from '../../src/scan/engine.js';

const DIR = fixtureDir('sphinx-cache-extensions');

interface Build {
  readonly label: string;
  readonly extension: 'bibtex' | 'programoutput' | 'toc' | 'mystnb';
  readonly sphinx: string;
  readonly docutils: string;
  readonly releases: string;
  readonly files: readonly string[];
}
const builds = JSON.parse(readFileSync(join(DIR, 'builds.json'), 'utf8')) as Build[];
const twins = JSON.parse(readFileSync(join(DIR, 'twins.json'), 'utf8')) as Record<
  'hostile' | 'benign',
  { file: string; what: string }[]
>;

// What blocks each hostile twin: the anomaly of the shape check it fails (SHAPE), the call it makes (a dangerous
// callable), or the name no pack admits.
const SHAPE = 'OFF_SHAPE_CALL';
const BLOCKED_BY: Record<string, { readonly signal: RegExp; readonly anomaly?: string }> = {
  'citation-system.pickle': { signal: /os\.system/ },
  'entry-state-system.pickle': { signal: /os\.system/ },
  'ast-system.pickle': { signal: /os\.system/ },
  'caseinsensitive-items.pickle': {
    signal: /pybtex\.utils\.OrderedCaseInsensitiveDict: the library never gives it items/,
    anomaly: SHAPE,
  },
  'richtext-appends.pickle': { signal: /pybtex\.richtext\.Text: the library never gives it items/, anomaly: SHAPE },
  'sitemap-items.pickle': {
    signal: /sphinx_external_toc\.api\.SiteMap: the library never gives it items/,
    anomaly: SHAPE,
  },
  'fileitem-object.pickle': { signal: /call of sphinx_external_toc\.api\.FileItem with object/, anomaly: SHAPE },
  'command.pickle': { signal: /sphinxcontrib\.programoutput\.Command: .*resolves its working directory/ },
  'environment-unknown.pickle': {
    signal: /sphinxcontrib\.unreviewed\.Record: this file is a Sphinx documentation build cache/,
  },
};

/** The blocking findings of a scan as `rule: signal` lines, for comparing sets. */
const blockingNames = (blocking: { ruleId: string; evidence: { details?: Record<string, unknown> } }[]): string[] =>
  [...new Set(blocking.map((f) => String(f.evidence.details?.['canonical'] ?? f.ruleId)))].sort();

describe('Sphinx caches of projects using extensions: real releases pass, other shapes are blocked', () => {
  it('has two releases of each extension built here, each with the environment and doctrees', () => {
    const by = (k: Build['extension']): string[] =>
      builds
        .filter((b) => b.extension === k)
        .map((b) => b.releases)
        .sort();
    assert.deepEqual(by('bibtex'), [
      'pybtex 0.24.0, sphinxcontrib-bibtex 2.5.0',
      'pybtex 0.25.0, sphinxcontrib-bibtex 2.6.3',
    ]);
    assert.deepEqual(by('programoutput'), ['sphinxcontrib-programoutput 0.17', 'sphinxcontrib-programoutput 0.20']);
    assert.deepEqual(by('toc'), ['sphinx-external-toc 0.3.1', 'sphinx-external-toc 1.0.1']);
    assert.deepEqual(
      by('mystnb').map((r) => r.split(',')[0]),
      ['myst-nb 0.16.0', 'myst-nb 0.17.2'],
    );
    for (const b of builds) {
      assert.ok(b.files.includes('environment.pickle'), b.label);
      assert.ok(
        b.files.some((f) => f.endsWith('.doctree')),
        b.label,
      );
    }
  });

  for (const b of builds)
    for (const file of b.files) {
      // programoutput's environment holds its commands' cache, keyed by Command objects, which no pack admits.
      if (b.extension === 'programoutput' && file === 'environment.pickle') continue;
      it(`passes: ${b.releases} (Sphinx ${b.sphinx}, docutils ${b.docutils}) ${file}`, async () => {
        assertPasses(await scanFixture(join(DIR, b.label, file)));
      });
    }

  for (const b of builds.filter((x) => x.extension === 'programoutput'))
    it(`reported as a documentation build cache: ${b.releases} environment.pickle (its commands only)`, async () => {
      const { blocking, why } = await scanFixture(join(DIR, b.label, 'environment.pickle'), 600);
      // Its output cache (ProgramOutputCache) and every Sphinx name pass; each Command is the one name reported.
      assert.deepEqual(blockingNames(blocking), ['sphinxcontrib.programoutput.Command'], why);
      for (const f of blocking) {
        assert.equal(f.severity, 'HIGH');
        assert.match(f.evidence.signal, /this file is a Sphinx documentation build cache/);
        assert.match(f.evidence.signal, /resolves its working directory on the file system/);
        assert.match(f.evidence.signal, /exclude:/);
        assert.doesNotMatch(f.evidence.signal, /trusted ML allowlist/);
        assert.equal(f.evidence.details?.['alsoAllow'], undefined);
      }
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
      assert.ok(
        blocking.some(
          (f) => want.signal.test(f.evidence.signal) && (want.anomaly === undefined || anomalyOf(f) === want.anomaly),
        ),
        `${t.file} is not blocked for ${want.signal}:\n${why}`,
      );
    });

  it('the name no pack reviews beside an environment is the only one reported, as a documentation cache', async () => {
    const { blocking, why } = await scanFixture(join(DIR, 'hostile', 'environment-unknown.pickle'), 600);
    assert.deepEqual(blockingNames(blocking), ['sphinxcontrib.unreviewed.Record'], why);
    assert.equal(blocking[0]!.evidence.details?.['alsoAllow'], undefined);
  });
});

// Caches public projects committed, read from git mirrors through a manifest, never committed: everything of the
// reviewed extensions passes, and the names no pack admits (an extension or release outside the packs) are the only
// ones reported, each as a documentation build cache's.
const real = mirroredManifest<
  MirroredFile & { readonly sha256: string; readonly writer: string; readonly reported: readonly string[] }
>(
  new URL('../fixtures/real-world/sphinx-extension-cache-manifest.json', import.meta.url),
  "no real Sphinx cache holding extensions' data present",
);
describe("real Sphinx caches holding extensions' data", { skip: real.skip }, () => {
  for (const { e, bytes } of real.present)
    it(`${e.reported.length ? `only ${e.reported.join(', ')} reported` : 'passes'}: ${e.repository} ${e.path} (${e.writer})`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const report = await scanBytes('environment.pickle', bytes);
      const blocking = report.findings.filter((f) => f.severity !== 'LOW' && f.severity !== 'INFO');
      assert.deepEqual(blockingNames(blocking), [...e.reported].sort());
      for (const f of blocking) assert.match(f.evidence.signal, /this file is a Sphinx documentation build cache/);
    });
});
