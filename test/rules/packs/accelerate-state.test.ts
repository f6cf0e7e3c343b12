// accelerate's PartialState, as transformers' TrainingArguments caches it (`distributed_state`) and torch.save writes
// it into training_args.bin: NEWOBJ of the class, one BUILD of its __dict__ (flags, a torch.device, a DistributedType
// member called with its value, process counts). The accelerate history pack admits the class (its __getattr__ raises
// for every name: one BUILD) and the Enum (scripts/data/history/accelerate.py). The files are written opcode by opcode
// (scripts/fixtures/accelerate-state.py), each hostile twin changing one thing (the real training_args.bin files that
// hold this state: training-args.test.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

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
    [
      'hostile-enum-object.pkl',
      /^PICKLE-STRUCT: .*call of accelerate\.utils\.dataclasses\.DistributedType with object/s,
    ],
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
