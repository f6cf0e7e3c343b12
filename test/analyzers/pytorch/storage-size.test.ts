// A zip storage's declared element count against the bytes of its record: torch sizes the storage by the count and
// backs it with the record, so a count past the record is a heap read or write. The real archives are made and
// proved by scripts/fixtures/torchscript-load-memory.py (the TorchScript clone at load and the checkpoint's first
// use die with SIGSEGV under torch 1.13; the unmodified files, a saved view and an int64 checkpoint load).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PersistentIdFact } from '../../../src/analyzers/pickle/facts.js';
import { checkZipPersistentId, torchZipLayout } from '../../../src/analyzers/pytorch/zip-layout.js';
import { scanBytes } from '../../../src/scan/engine.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/torch-storage-size');

function pid(storageType: string, numel: number): PersistentIdFact {
  return {
    opcode: 'BINPERSID',
    offset: 0,
    shape: 'tuple',
    tag: 'storage',
    items: ['storage', storageType, '0', 'cpu', numel],
    storageType,
    key: '0',
    location: 'cpu',
    numel,
  };
}

describe('torch zip storages: declared element count against the record', () => {
  const layout = torchZipLayout(['archive/data.pkl', 'archive/data/0', 'archive/version'])!;
  const bytes = (n: number) => (entry: string) => (entry === 'archive/data/0' ? n : undefined);
  const cases: [string, PersistentIdFact, number, boolean][] = [
    ['37 floats in 148 bytes (what torch.save writes)', pid('torch.FloatStorage', 37), 148, false],
    ['37 floats in 147 bytes', pid('torch.FloatStorage', 37), 147, true],
    ['10^8 floats in 148 bytes', pid('torch.FloatStorage', 100_000_000), 148, true],
    ['37 doubles in 148 bytes', pid('torch.DoubleStorage', 37), 148, true],
    ['37 doubles in 296 bytes', pid('torch.DoubleStorage', 37), 296, false],
    ['148 untyped bytes in 148 bytes', pid('torch.UntypedStorage', 148), 148, false],
    ['149 untyped bytes in 148 bytes', pid('torch.UntypedStorage', 149), 148, true],
    ['a count smaller than the record (bytes torch never reads)', pid('torch.FloatStorage', 10), 148, false],
    ['a cuda storage class', pid('torch.cuda.HalfStorage', 100), 148, true],
  ];
  for (const [name, p, n, bad] of cases)
    it(`${bad ? 'reports' : 'passes'}: ${name}`, () => {
      const why = checkZipPersistentId(p, layout, bytes(n));
      if (bad) assert.match(why ?? '', /declares \d+ elements .* holds \d+ bytes/);
      else assert.equal(why, undefined);
    });

  const scan = async (name: string) =>
    (await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))))).findings.map((f) => [
      f.ruleId,
      f.severity,
      /declares 100000000 elements/.test(JSON.stringify(f.evidence)),
    ]);
  for (const name of ['hostile_checkpoint_count_past_record.pt', 'hostile_torchscript_count_past_record.pt'])
    it(`real archive: ${name} is a HIGH structural finding`, async () =>
      assert.deepEqual(await scan(name), [['PICKLE-STRUCT', 'HIGH', true]]));
  for (const name of [
    'benign_checkpoint.pt',
    'benign_checkpoint_view.pt',
    'benign_checkpoint_int64.pt',
    'benign_torchscript_clone_stored.pt',
  ])
    it(`real archive: ${name} passes`, async () => assert.deepEqual(await scan(name), []));

  // The stored example inputs of a traced module (traced_inputs.pkl, scripts/fixtures/torchscript-traced-inputs.py):
  // torch.jit.load reads them only with _restore_shapes=True, so a count past their record is evidence, not a gate;
  // the same count past a record data.pkl names stays HIGH (hostile_torchscript_count_past_record.pt above).
  const INPUTS = join(import.meta.dirname, '../../fixtures/torchscript-traced-inputs');
  const scanInputs = async (name: string) =>
    (await scanBytes(name, new Uint8Array(readFileSync(join(INPUTS, name))))).findings.map((f) => [
      f.ruleId,
      f.severity,
      /traced_inputs\/0, which holds 0 bytes.*only when called with _restore_shapes=True/.test(f.evidence.signal),
    ]);
  it('an empty traced_inputs record under a count of 200 floats is a LOW note that says when torch reads it', async () =>
    assert.deepEqual(await scanInputs('empty-inputs-record.pt'), [['PICKLE-STRUCT', 'LOW', true]]));
  it('the same archive with the record holding its 800 bytes passes', async () =>
    assert.deepEqual(await scanInputs('full-inputs-record.pt'), []));
});

describe('torch zip persistent ids: the reader that reads them', () => {
  const withItems = (items: (string | number | null)[]): PersistentIdFact => ({
    ...pid('torch.FloatStorage', 4),
    items,
  });
  const checkpoint = torchZipLayout(['archive/data.pkl', 'archive/data/0', 'archive/version'])!;
  const script = torchZipLayout([
    'archive/data.pkl',
    'archive/code/__torch__.py',
    'archive/data/0',
    'archive/version',
  ])!;
  const bytes = (entry: string) => (entry.endsWith('/0') ? 16 : undefined);
  // torch.load unpacks exactly five items; torch.jit.load's reader takes the first five and ignores the rest (older
  // torch.jit.save wrote a sixth, None).
  const cases: [string, ReturnType<typeof torchZipLayout>, (string | number | null)[], boolean][] = [
    ['five items, checkpoint', checkpoint, ['storage', 'torch.FloatStorage', '0', 'cpu', 4], false],
    ['six items, checkpoint', checkpoint, ['storage', 'torch.FloatStorage', '0', 'cpu', 4, null], true],
    ['five items, TorchScript', script, ['storage', 'torch.FloatStorage', '0', 'cpu', 4], false],
    ['six items, TorchScript', script, ['storage', 'torch.FloatStorage', '0', 'cpu', 4, null], false],
    ['four items, TorchScript', script, ['storage', 'torch.FloatStorage', '0', 'cpu'], true],
  ];
  for (const [name, layout, items, bad] of cases)
    it(`${bad ? 'reports' : 'passes'}: ${name}`, () => {
      const why = checkZipPersistentId(withItems(items), layout!, bytes);
      if (bad) assert.match(why ?? '', /persistent id has \d+ items/);
      else assert.equal(why, undefined);
    });

  it("a TorchScript archive's traced_inputs.pkl is one of the records torch.jit.load reads, its tensors under traced_inputs/", () => {
    const names = [
      'm/data.pkl',
      'm/code/__torch__.py',
      'm/constants.pkl',
      'm/traced_inputs/0',
      'm/traced_inputs.pkl',
      'm/version',
    ];
    const layout = torchZipLayout(names)!;
    assert.deepEqual(layout.pickles, ['constants.pkl', 'data.pkl', 'traced_inputs.pkl']);
    const p = pid('torch.FloatStorage', 4);
    assert.equal(checkZipPersistentId(p, layout, bytes, ['traced_inputs/']), undefined);
    assert.match(checkZipPersistentId(p, layout, bytes) ?? '', /data\/0, which the archive does not contain/);
    // A checkpoint has no such record: torch.load never reads it.
    assert.deepEqual(torchZipLayout(['m/data.pkl', 'm/traced_inputs.pkl', 'm/version'])!.pickles, ['data.pkl']);
  });
});
