// factsScanner().file: the facts of a local file read whole by the caller (a queue worker reads each small target
// once, hashes the bytes for its cache and scans the same bytes) equal the facts of a scan of its path, for every
// kind of file the fixtures hold (models, containers, compressed files, hostile inputs, Python source, empty files,
// placeholders, joblib companions, files beside a model folder's config), with and without a rule selection; a file
// whose signature would be checked is scanned as a path.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { factsScanner, type ScanFacts } from '../../src/api/scan.js';
import { readWholeFile } from '../../src/sources/byte-source.js';
import { digestBytes } from '../../src/sources/file-digest.js';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const plain = (f: ScanFacts) => ({ ...f, startedAt: '', result: { ...f.result, durationMs: 0 } });
const MAX = 1024 * 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []))
    .filter((p) => statSync(p).size <= MAX)
    .sort();
}

/** Up to `n` of the files, spread over the sorted list (the first and the last included). */
function spread(files: readonly string[], n: number): string[] {
  if (files.length <= n) return [...files];
  return Array.from({ length: n }, (_, i) => files[Math.round((i * (files.length - 1)) / (n - 1))]!);
}

describe('factsScanner().file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-facts-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const fixtures = [
    'examples/models',
    'test/fixtures/model',
    'test/fixtures/containers',
    'test/fixtures/compression',
    'test/fixtures/hostile',
    'test/fixtures/polyglot',
    'test/fixtures/deser',
    'test/fixtures/python-encodings',
  ].flatMap((d) => spread(filesUnder(repo(d)), 6));

  // Files whose facts depend on their name or on files beside them, made here.
  const made = join(dir, 'made');
  mkdirSync(made);
  writeFileSync(join(made, 'empty.bin'), '');
  writeFileSync(join(made, 'model.pt'), ''); // an empty model file: a placeholder
  writeFileSync(
    join(made, 'pytorch_model.bin'),
    'version https://git-lfs.github.com/spec/v1\noid sha256:' + '0'.repeat(64) + '\nsize 12\n',
  );
  writeFileSync(
    join(made, 'config.json'),
    JSON.stringify({ auto_map: { AutoModel: 'modeling_x.XModel' }, model_type: 'x' }),
  );
  writeFileSync(join(made, 'modeling_x.py'), 'import os\nos.system("id")\nclass XModel: pass\n');
  copyFileSync(repo('test/fixtures/hostile/joblib-skip-plain.pkl'), join(made, 'joblib-skip-plain.pkl'));
  const all = [...fixtures, ...filesUnder(made)];

  for (const rules of [[], ['PICKLE', 'MODEL']]) {
    it(`equals a scan of the path for ${all.length} files${rules.length ? ` (rules ${rules.join(', ')})` : ''}`, async () => {
      const scan = await factsScanner(rules.length ? { rules } : {});
      let compared = 0;
      for (const p of all) {
        const read = readWholeFile(p, MAX);
        assert.ok(read, p);
        const viaPath = await scan(p);
        const viaRead = await scan.file(read, { sha256: digestBytes(read.bytes) });
        assert.deepEqual(plain(viaRead), plain(viaPath), p);
        assert.deepEqual(plain(await scan.file(read)), plain(viaPath), `${p} (no digest given)`);
        compared++;
      }
      assert.equal(compared, all.length);
    });
  }

  it('scans a file with a signature file beside it as a path (the signature is checked and reported)', async () => {
    const signed = join(dir, 'signed');
    mkdirSync(signed);
    copyFileSync(repo('examples/models/classifier.pkl'), join(signed, 'classifier.pkl'));
    writeFileSync(join(signed, 'model.sig'), '{"not": "a bundle"}');
    const scan = await factsScanner();
    const p = join(signed, 'classifier.pkl');
    const viaRead = await scan.file(readWholeFile(p, MAX)!);
    assert.equal(viaRead.signatures?.length, 1, 'the signature beside it was checked');
    assert.ok(viaRead.result.findings.some((f) => f.category === 'SIGN'));
    assert.deepEqual(plain(viaRead), plain(await scan(p)));
  });

  it('reports bytes that changed while they were read as a scan does, not as a pass', async () => {
    const p = join(dir, 'changing.pkl');
    copyFileSync(repo('examples/models/classifier.pkl'), p);
    const read = { ...readWholeFile(p, MAX)!, changed: 'it was modified while it was scanned' };
    const facts = await (await factsScanner()).file(read);
    assert.ok(
      facts.result.findings.some(
        (f) => f.ruleId === 'SCAN-INCOMPLETE' && /not scanned as it is now/.test(f.evidence.signal),
      ),
    );
  });

  it('leaves a larger file to the caller (readWholeFile answers undefined past its limit)', () => {
    const p = join(dir, 'big.bin');
    writeFileSync(p, Buffer.alloc(2048));
    assert.equal(readWholeFile(p, 1024), undefined);
    assert.equal(readWholeFile(p, 4096)?.bytes.length, 2048);
    assert.throws(() => readWholeFile(dir, MAX), /directory/);
  });
});
