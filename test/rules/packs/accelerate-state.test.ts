// accelerate's PartialState, as transformers' TrainingArguments caches it (`distributed_state`) and torch.save writes
// it into training_args.bin: NEWOBJ of the class, one BUILD of its __dict__ (flags, a torch.device, a DistributedType
// member called with its value, process counts). The accelerate history pack admits the class (its __getattr__ raises
// for every name: one BUILD) and the Enum (scripts/data/history/accelerate.py). The files are written opcode by opcode
// (scripts/fixtures/accelerate-state.py), each hostile twin changing one thing. The real training_args.bin files of
// the manifest hold the same state: no finding names accelerate, while the transformers and TRL classes are still
// blocked (no pack reviews them).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { MIRRORS, mirrorsAbsent } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const blockingOf = async (name: string, bytes: Uint8Array): Promise<string[]> => {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => `${x.ruleId}: ${x.evidence.signal}`);
};

const FIXTURES = new URL('../../fixtures/accelerate-state/', import.meta.url).pathname;
const read = (file: string): Uint8Array => readFileSync(join(FIXTURES, file));

describe('accelerate PartialState as training_args.bin holds it', () => {
  for (const file of ['benign-one-process.pkl', 'benign-multi-gpu.pkl'])
    it(`${file} passes`, async () => {
      assert.deepEqual(await blockingOf(file, read(file)), []);
    });

  const hostile: [string, RegExp][] = [
    ['hostile-state-payload.pkl', /^PICKLE-EXEC: .*os\.system/s],
    ['hostile-enum-value.pkl', /^PICKLE-EXEC: .*os\.system/s],
    ['hostile-unadmitted-function.pkl', /^PICKLE-GLOBAL-IMPORT: .*accelerate\.utils\.write_basic_config/s],
    ['hostile-build-unadmitted-class.pkl', /^PICKLE-GLOBAL-IMPORT: .*accelerate\.state\.AcceleratorState/s],
    ['hostile-second-build.pkl', /^PICKLE-STRUCT: .*second BUILD on one\s+object/s],
  ];
  for (const [file, expected] of hostile)
    it(`${file} is blocked`, async () => {
      const found = await blockingOf(file, read(file));
      assert.ok(
        found.some((f) => expected.test(f)),
        `expected ${String(expected)} among ${JSON.stringify(found)}`,
      );
    });
});

interface Row {
  repository: string;
  commit: string;
  path: string;
  sha256: string;
  classes: string[];
  outside: string[];
}
const MANIFEST = new URL('../../fixtures/training-args/manifest.json', import.meta.url).pathname;
const rows = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: Row[] }).files;
const mirrorOf = (r: Row): string => join(MIRRORS, r.repository.replace('/', '+'), 'repo');
const present = rows.filter((r) => existsSync(mirrorOf(r)));

describe(
  'real training_args.bin files',
  {
    skip:
      present.length === 0 &&
      mirrorsAbsent(
        'no mirror of the training_args.bin repositories',
        rows.map((r) => r.repository),
        'test/fixtures/training-args/manifest.json',
      ),
  },
  () => {
    for (const r of present)
      it(`${r.repository} ${r.path}: accelerate's state draws no finding; the unreviewed classes stay blocked`, async () => {
        const bytes = execFileSync('git', ['-C', mirrorOf(r), 'cat-file', 'blob', `${r.commit}:${r.path}`], {
          maxBuffer: 1 << 24,
        });
        assert.equal(createHash('sha256').update(bytes).digest('hex'), r.sha256);
        const found = await blockingOf('training_args.bin', bytes);
        // (torch.load with weights_only=True refuses every name outside its own list: that finding names them all.)
        assert.ok(!found.some((f) => f.startsWith('PICKLE-') && /accelerate\./.test(f)), JSON.stringify(found));
        const blocked = [...r.classes, ...r.outside].filter((n) => !n.includes('Strategy') && !n.includes('Names'));
        assert.ok(
          found.some((f) => f.startsWith('PICKLE-GLOBAL-IMPORT') && blocked.some((n) => f.includes(n))),
          JSON.stringify(found),
        );
      });
  },
);
