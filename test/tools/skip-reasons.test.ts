// What a skipped test tells its reader: the data it needs, the repositories it comes from and a plain `git clone`
// way to get them, never a tool a user does not have.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { mirrorsAbsent } from '../helpers/mirrors.js';
import { SHARED, sharedPath, sharedSkip } from '../helpers/shared.js';

const TEST_ROOT = join(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

describe('skip reasons', () => {
  it('absent mirrors: every repository is named (or counted, with where the rest are listed), and git clone', () => {
    const few = mirrorsAbsent('real files absent', ['b/two', 'a/one', 'a/one'], 'manifest.json');
    assert.match(few, /^real files absent\. The files are in the repositories a\/one, b\/two\. /);
    assert.match(few, /git clone --bare https:\/\/github\.com\/OWNER\/NAME /);
    const many = mirrorsAbsent(
      'x',
      Array.from({ length: 15 }, (_, i) => `o/r${String(i).padStart(2, '0')}`),
      'm.json',
    );
    assert.match(many, /o\/r00, .*o\/r11 and 3 more \(the repository fields of m\.json\)/);
    assert.doesNotMatch(many, /o\/r12/);
  });

  it('absent shared data: the path, the repository and commit it comes from, and git clone', () => {
    const conf = sharedSkip(sharedPath('conformance', 'model-signing'));
    assert.match(conf, /^conformance\/model-signing is not in /);
    assert.match(conf, /sigstore\/model-transparency .* at [0-9a-f]{7,}/);
    assert.match(conf, /`git clone https:\/\/github\.com\/sigstore\/model-transparency`/);
    assert.match(
      sharedSkip(sharedPath('corpus-public', 'x')),
      /`git clone https:\/\/github\.com\/mmaitre314\/picklescan`/,
    );
    // A path the table has no source for is named as it is, with no made-up source (benign twin).
    assert.equal(sharedSkip(sharedPath('other', 'y')), `other/y is not in ${SHARED}`);
  });

  it('no test tells its reader to use a development tool to get its data', () => {
    const TOOL =
      /\b(?:use|run|with|via) the (?:fetc[h]|searc[h]) tool\b|\bfetc[h] (?:it|them|the repositor(?:y|ies)) with\b/i;
    const hits = testFiles(TEST_ROOT).flatMap((p) =>
      readFileSync(p, 'utf8')
        .split('\n')
        .flatMap((l, i) => (TOOL.test(l) ? [`${relative(TEST_ROOT, p)}:${i + 1}`] : [])),
    );
    assert.deepEqual(hits, []);
    assert.ok(TOOL.test(`bring them: use the ${'fetch'} tool`), 'the check finds the phrase');
  });
});
