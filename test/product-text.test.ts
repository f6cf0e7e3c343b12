// Product text speaks of the product as it is: README.md, CHANGELOG.md, docs/, the source and the workflows carry no work history ("issue 28",
// "stop 45"), no citations of design documents ("seed 000") and no names of the tools the work was done with. The
// check is the same as `grep -rInE '\bissue [0-9]+\b|\bstop [0-9]{2,}\b|\bseed [0-9]{3}\b' README.md CHANGELOG.md docs src
// .github`, case-blind.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..');
// The development tool's name is written with a class (`searc[h]`) so this file does not name it itself.
// A build named by its commit (`with the build 2b35f82`, `against af676bd`) is a step of the work, not the product.
const HISTORY =
  /\bissue [0-9]+\b|\bstop [0-9]{2,}\b|\bseed [0-9]{3}\b|\bthe searc[h] tool\b|\bsubagents?\b|\b(?:the build|builds?|main at|against|since|with) \(?`?(?=[0-9a-f]{0,11}[0-9])(?=[0-9a-f]{0,11}[a-f])[0-9a-f]{7,12}\b/i;
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
    ];
    for (const [text, bad] of cases) assert.equal(HISTORY.test(text), bad, text);
  });
});
