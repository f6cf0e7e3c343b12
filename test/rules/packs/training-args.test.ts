// training_args.bin: torch.save of transformers' TrainingArguments (or Seq2SeqTrainingArguments, or a TRL config), a
// dataclass pickled through its __dict__ with ExplicitEnum members called with their value, an AcceleratorConfig, a
// torch.device and accelerate's PartialState. The transformers, TRL and accelerate history packs admit these classes
// (scripts/data/history/{transformers,trl,accelerate}.py: no rebuild hook in the releases read; the Enums' _missing_
// formats an unknown value). The fixtures are written opcode by opcode in the real files' shape
// (scripts/fixtures/training-args.py), each hostile twin changing one thing; the real files are read from their
// repositories through the manifest. A real file whose arguments class is a user's own subclass stays blocked.
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
/** The pickle analysis' findings (torch.load's weights-only refusal is a policy finding on every such file). */
const pickleFindings = (found: string[]): string[] => found.filter((f) => f.startsWith('PICKLE-'));

const FIXTURES = new URL('../../fixtures/training-args/', import.meta.url).pathname;
const read = (file: string): Uint8Array => readFileSync(join(FIXTURES, file));

describe('training_args.bin pickles in the real files shape', () => {
  // enum-unknown-str.pkl: IntervalStrategy('hourly'); the load raises ValueError from _missing_, which formats a str
  // (no code of the stream runs; a release the pack did not read may define more members).
  for (const file of [
    'benign-4.5x.pkl',
    'benign-before-accelerate.pkl',
    'benign-seq2seq.pkl',
    'benign-trl-sft.pkl',
    'enum-unknown-str.pkl',
  ])
    it(`${file} passes`, async () => {
      assert.deepEqual(await blockingOf(file, read(file)), []);
    });

  const hostile: [string, RegExp][] = [
    ['hostile-field-payload.pkl', /^PICKLE-EXEC: .*os\.system/s],
    ['hostile-enum-value.pkl', /^PICKLE-EXEC: .*os\.system/s],
    ['hostile-enum-object.pkl', /^PICKLE-STRUCT: .*call of transformers\.trainer_utils\.IntervalStrategy with object/s],
    ['hostile-unadmitted-function.pkl', /^PICKLE-GLOBAL-IMPORT: .*transformers\.trainer_utils\.set_seed/s],
    ['hostile-build-hooked-class.pkl', /^PICKLE-GLOBAL-IMPORT: .*transformers\.utils\.generic\.ModelOutput/s],
    [
      'hostile-call-constructor.pkl',
      /^PICKLE-GLOBAL-IMPORT: .*TrainingArguments: the transformers pack\s+admits it only rebuilt through __new__/s,
    ],
    ['hostile-user-subclass.pkl', /^PICKLE-GLOBAL-IMPORT: .*helpers\.MyTrainingArguments/s],
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
const skip =
  present.length === 0 &&
  mirrorsAbsent(
    'no mirror of the training_args.bin repositories',
    rows.map((r) => r.repository),
    'test/fixtures/training-args/manifest.json',
  );

describe('real training_args.bin files', { skip }, () => {
  for (const r of present) {
    const user = r.outside.filter((n) => !n.startsWith('accelerate.'));
    const title = user.length === 0 ? 'the pickle analysis passes' : `${user.join(', ')} stays blocked`;
    it(`${r.repository} ${r.path}: ${title}`, async () => {
      const bytes = execFileSync('git', ['-C', mirrorOf(r), 'cat-file', 'blob', `${r.commit}:${r.path}`], {
        maxBuffer: 1 << 24,
      });
      assert.equal(createHash('sha256').update(bytes).digest('hex'), r.sha256);
      const found = pickleFindings(await blockingOf('training_args.bin', bytes));
      if (user.length === 0) assert.deepEqual(found, []);
      else
        assert.deepEqual(
          found.map((f) => /^PICKLE-GLOBAL-IMPORT: GLOBAL imports (\S+):/.exec(f)?.[1]),
          user,
          JSON.stringify(found),
        );
    });
  }
});
