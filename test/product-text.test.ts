// Product text speaks of the product as it is: README.md, CHANGELOG.md, docs/, the source, the workflows, the tests and
// the scripts carry no work history ("issue 28", "stop 45", "red team s39"), no citations of design documents ("seed
// 000") and no names of the tools the work was done with. The check is the same as `grep -rInE '\bissue[- ][0-9]+\b|
// \bstop[- ][0-9]{2,}\b|\bseed [0-9]{3}\b|\bred team s[0-9]+\b' README.md CHANGELOG.md docs src .github test scripts`,
// case-blind. Identifiers are not prose: file and directory names such as redteam-s39.test.ts or soundness-s41/ do not
// match, and a fuzz seed (`--seed 20261125`) has more than three digits.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..');
// The development tool's name is written with a class (`searc[h]`) so this file does not name it itself.
// A build named by its commit (`with the build 2b35f82`, `against af676bd`) is a step of the work, not the product.
const HISTORY =
  /\bissue[- ][0-9]+\b|\bstop[- ][0-9]{2,}\b|\bseed [0-9]{3}\b|\bred team s[0-9]+\b|\bthe searc[h] tool\b|\bsubagents?\b|\b(?:the build|builds?|main at|against|since|with) \(?`?(?=[0-9a-f]{0,11}[0-9])(?=[0-9a-f]{0,11}[a-f])[0-9a-f]{7,12}\b/i;
const TEXT = /\.(md|ts|mts|mjs|js|json|ya?ml|txt|py|sh)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return TEXT.test(e.name) ? [p] : [];
  });
}

/** `path:line: text` of every line that carries work-history words. */
function historyLines(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const lines = readFileSync(p, 'utf8').split('\n');
    for (const [i, line] of lines.entries())
      if (HISTORY.test(line)) out.push(`${relative(ROOT, p)}:${i + 1}: ${line.trim().slice(0, 160)}`);
  }
  return out;
}

describe('product text', () => {
  it('README.md, CHANGELOG.md, docs/, src/ and .github/ carry no work history, design-document citations or development-tool names', () => {
    const paths = [
      join(ROOT, 'README.md'),
      join(ROOT, 'CHANGELOG.md'),
      ...files(join(ROOT, 'docs')),
      ...files(join(ROOT, 'src')),
      ...files(join(ROOT, '.github')),
    ];
    assert.ok(paths.length > 100, 'the walk found the source');
    assert.deepEqual(historyLines(paths), []);
  });

  it('test/ and scripts/ carry none either (fixture data aside: under test/fixtures/ only manifests and notes are prose)', () => {
    // This file is left out: its case table and its header must name the phrases. Under test/fixtures/ the files are
    // data the scanner reads (pickles, Python sources, templates, expected outputs); their manifest.json and *.md files
    // are prose about them and are checked. The fuzzer's run summaries (scripts/fuzz-oracle/runs/*.json) are its
    // output, not prose; the runs' README.md is checked.
    const self = join(ROOT, 'test', 'product-text.test.ts');
    const fixtures = join(ROOT, 'test', 'fixtures');
    const runs = join(ROOT, 'scripts', 'fuzz-oracle', 'runs');
    const prose = (p: string): boolean => {
      if (p === self) return false;
      if (p.startsWith(fixtures + sep)) return /(^|[\\/])manifest\.json$|\.md$/.test(p);
      if (p.startsWith(runs + sep)) return p.endsWith('.md');
      return true;
    };
    const paths = [...files(join(ROOT, 'test')), ...files(join(ROOT, 'scripts'))].filter(prose);
    assert.ok(paths.length > 300, 'the walk found the tests and scripts');
    assert.ok(
      paths.some((p) => p.startsWith(fixtures + sep)),
      'the walk found the fixture manifests',
    );
    assert.deepEqual(historyLines(paths), []);
  });

  it('the check finds each kind of phrase (and leaves ordinary words alone)', () => {
    const cases: [string, boolean][] = [
      ['fixed in issue 28', true],
      ['## Result (Stop 42)', true],
      ['the seed 002 threshold', true],
      ['as seed 110 says', true],
      ['closes issue 7', true],
      ['see docs/releasing.md, issue tracker', false],
      [`fetched with the ${'search'} tool`, true],
      ['a stop 2 of 3 signal', false],
      ['GitHub issue #3076', false],
      ['--seed=37 (a fuzz seed)', false],
      ['the stop opcode at 0x2e', false],
      ['Re-run of all 51 code bases with 2989da4', true],
      ['the build 2b35f82 finds 11 / 18', true],
      ['(a CPU ratio against af676bd)', true],
      ['missed since fa0afbb', true],
      ['models at commits e972937a5464 and 348341a06933 of the repository', false],
      ['a fingerprint fb6aaba97cadf1c0d2fcb816e8de6645', false],
      ['with defaced input', false],
      ['with 12345678 bytes', false],
      ["describe('red team s39: work chosen by argument values'", true],
      ['the issue-25 mechanisms left open', true],
      ['the stop-38 leftovers', true],
      ['test/scan/redteam-s39.test.ts and scripts/fixtures/redteam-s39.py', false],
      ['test/fixtures/soundness-s41/manifest.json', false],
      ['--seed 20261170 --programs 4096', false],
      ['Program 7 of seed 20261125', false],
    ];
    for (const [text, bad] of cases) assert.equal(HISTORY.test(text), bad, text);
  });
});
