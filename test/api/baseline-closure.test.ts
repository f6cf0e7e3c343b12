// How a baseline finding that is gone from the next run is closed, through scan(): a file deleted from a folder the
// run scanned is "file-removed"; a file the run did not cover (it still exists, outside the scanned path) is
// "file-not-scanned"; a file rescanned without the signal is "signal-gone". Every report format words them apart.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport, scan, type SentinelReport } from '../../src/api/index.js';
import { evilPickle } from '../helpers/pickle-builder.js';

let dir: string;
const home = process.cwd();
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-closure-'));
  mkdirSync(join(dir, 'models', 'old'), { recursive: true });
  mkdirSync(join(dir, 'other'));
  process.chdir(dir);
});
after(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

function closures(r: SentinelReport): Record<string, string> {
  return Object.fromEntries(r.closed.map((c) => [c.where?.replace(/@\d+$/, '') ?? '', c.closure]));
}

describe('baseline closure', () => {
  it('deleted: file-removed; outside the scanned path: file-not-scanned; cleaned: signal-gone', async () => {
    writeFileSync(join('models', 'a.pkl'), evilPickle());
    writeFileSync(join('models', 'old', 'b.pkl'), evilPickle());
    writeFileSync(join('models', 'c.pkl'), evilPickle());
    writeFileSync(join('other', 'd.pkl'), evilPickle());
    const first = await scan(['models', 'other']);
    assert.equal(first.closed.length, 0);
    assert.equal(new Set(first.findings.map((f) => f.location.chain[0])).size, 4, 'one finding per file at least');

    rmSync(join('models', 'old', 'b.pkl'));
    writeFileSync(join('models', 'c.pkl'), new Uint8Array([0x80, 0x04, 0x7d, 0x94, 0x2e])); // {} (protocol 4)
    const next = await scan('models', { baseline: first, baselineSource: 'first.json' });
    assert.deepEqual(closures(next), {
      'models/old/b.pkl': 'file-removed',
      'models/c.pkl': 'signal-gone',
      'other/d.pkl': 'file-not-scanned',
    });

    const text = await renderReport(next, 'text', { verbose: true });
    const md = await renderReport(next, 'markdown');
    const html = await renderReport(next, 'html');
    for (const out of [text, md, html]) {
      assert.match(out, /the file was removed/);
      assert.match(out, /the file was not part of this scan/);
    }
  });

  it('a file named by the baseline that exists but lies outside this run is never called removed', async () => {
    writeFileSync(join('models', 'a.pkl'), evilPickle());
    writeFileSync(join('other', 'd.pkl'), evilPickle());
    const first = await scan(['models', 'other']);
    const next = await scan(join('models', 'a.pkl'), { baseline: first });
    assert.equal(closures(next)['other/d.pkl'], 'file-not-scanned');
  });
});
