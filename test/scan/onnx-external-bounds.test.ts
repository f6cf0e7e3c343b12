// ONNX external_data offsets and lengths bounded against the tensor and the side file. Models written by the real
// onnx package with external data (scripts/fixtures/onnx-external-bounds.py), one entry changed per hostile copy;
// manifest.json records what onnx.load does with each (a huge length: MemoryError; an offset past the file: a
// tensor with no bytes). The real writer's output passes.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tensorBytes } from '../../src/scan/expand/onnx.js';
import { scanPaths } from '../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../fixtures/model/onnx-external');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  cases: Record<string, { expected: 'clean' | 'finding'; 'onnx.load': string }>;
};

/** Rule and anomaly code (or the external-range key) of each finding of a folder scan. */
async function found(dir: string): Promise<string[]> {
  const r = await scanPaths([dir]);
  return r.findings.map((f) => {
    const d = f.evidence.details ?? {};
    const code = d['problem'] ?? d['fileBytes'];
    return `${f.ruleId} ${String(code ?? '')}`.trim();
  });
}

describe('ONNX external data ranges (real onnx output)', () => {
  const expected: Record<string, string[]> = {
    real: [],
    'length-huge': ['MODEL-STRUCT EXTERNAL_DATA_LENGTH', 'MODEL-EXTERNAL-DATA 400'],
    'length-longer': ['MODEL-STRUCT EXTERNAL_DATA_LENGTH', 'MODEL-EXTERNAL-DATA 400'],
    'length-shorter': ['MODEL-STRUCT EXTERNAL_DATA_LENGTH'],
    'offset-past-file': ['MODEL-EXTERNAL-DATA 400'],
    'offset-length-overflow': ['MODEL-STRUCT EXTERNAL_DATA_RANGE', 'MODEL-EXTERNAL-DATA 400'],
    'length-negative': ['MODEL-STRUCT EXTERNAL_DATA_RANGE'],
  };
  it('every generated case has an expectation', () =>
    assert.deepEqual(Object.keys(manifest.cases).sort(), Object.keys(expected).sort()));
  it('the real loader fails on the huge length', () =>
    assert.match(manifest.cases['length-huge']!['onnx.load'], /^MemoryError/));
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.length ? want.join(', ') : 'passes'}`, async () => {
      assert.equal(manifest.cases[name]!.expected, want.length ? 'finding' : 'clean');
      assert.deepEqual((await found(join(DIR, name))).sort(), [...want].sort());
    });
  }
});

describe('tensorBytes', () => {
  const table: [string, number, bigint[] | undefined, bigint | undefined][] = [
    ['float 8x8', 1, [8n, 8n], 256n],
    ['float16 x8', 10, [8n], 16n],
    ['scalar int64', 7, [], 8n],
    ['uint4 x3 packs into 2 bytes', 21, [3n], 2n],
    ['string: no fixed size', 8, [4n], undefined],
    ['undefined type', 0, [4n], undefined],
    ['dims not known', 1, undefined, undefined],
    ['negative dim', 1, [-1n], undefined],
    ['product past int64', 1, [2n ** 40n, 2n ** 40n], undefined],
  ];
  for (const [name, type, dims, want] of table) it(name, () => assert.equal(tensorBytes(type, dims), want));
});

describe('ONNX external data side files when the model is scanned on its own', () => {
  // The real writer's model.onnx (location weights.bin) copied into a fresh folder, with weights.bin made as each
  // case needs: the loader opens the location beside the model, following a link and blocking on a FIFO. Its three
  // initializers all read weights.bin, so each case is one finding per tensor.
  const three = (s: string): string[] => [s, s, s];
  const cases: [string, (dir: string) => void, string[]][] = [
    [
      'a plain copy of the written side file',
      (d) => copyFileSync(join(DIR, 'real/weights.bin'), join(d, 'weights.bin')),
      [],
    ],
    ['no side file', () => undefined, []],
    [
      'a symbolic link to a file outside the folder',
      (d) => symlinkSync(join(DIR, 'real/weights.bin'), join(d, 'weights.bin')),
      three('MODEL-EXTERNAL-DATA SIDE_FILE_LINK'),
    ],
    [
      'a FIFO',
      (d) => execFileSync('mkfifo', [join(d, 'weights.bin')]),
      three('MODEL-EXTERNAL-DATA SIDE_FILE_NOT_REGULAR'),
    ],
    ['a folder', (d) => mkdirSync(join(d, 'weights.bin')), three('MODEL-EXTERNAL-DATA SIDE_FILE_NOT_REGULAR')],
    [
      'a side file shorter than the ranges',
      (d) => writeFileSync(join(d, 'weights.bin'), new Uint8Array(10)),
      three('MODEL-EXTERNAL-DATA 10'),
    ],
  ];
  for (const [name, make, want] of cases)
    it(`${name}: ${want.length ? [...new Set(want)].join(', ') : 'passes'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'onnx-side-'));
      try {
        copyFileSync(join(DIR, 'real/model.onnx'), join(dir, 'model.onnx'));
        make(dir);
        assert.deepEqual((await found(join(dir, 'model.onnx'))).sort(), [...want].sort());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
