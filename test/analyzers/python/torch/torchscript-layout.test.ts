// Operators that lay a tensor out from the caller's sizes and strides, in TorchScript code run at load. The table
// classifies the whole family (every operator with both arguments): the unchecked ones (`_reshape_alias`,
// `_reshape_alias_copy`) are reported at load, the checked ones (`as_strided`: torch raises past the storage) pass,
// and those that allocate by the layout's reach take their stride as a size. The real archives are made and proved
// by scripts/fixtures/torchscript-layout-views.py (SIGSEGV at load under torch 1.13 for the unchecked ones; the
// as_strided twins load, or raise past the storage).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-layout');
const TABLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../../src/analyzers/python/torch/torchscript-ops.json'), 'utf8'),
) as {
  unchecked: Record<string, string>;
  work: Record<string, Record<string, [string, number[]]>>;
};

describe('TorchScript load code: operators laying a tensor out from sizes and strides', () => {
  for (const op of ['aten::_reshape_alias', 'aten::_reshape_alias_copy'])
    it(`the table reports ${op} at load (no bounds check)`, () => assert.equal(TABLE.unchecked[op], 'unchecked'));
  for (const op of ['aten::as_strided', 'aten::as_strided_', 'aten::as_strided_scatter', 'prims::as_strided'])
    it(`the table passes ${op} (torch checks the layout against the storage)`, () =>
      assert.equal(TABLE.unchecked[op], undefined));
  for (const op of ['aten::empty_strided', 'aten::new_empty_strided', 'aten::set_'])
    it(`the table takes ${op}'s stride as a size (the allocation reaches it)`, () =>
      assert.equal(TABLE.work[op]?.['stride']?.[0], 'size'));

  const scan = async (name: string) =>
    (await scanBytes(name, new Uint8Array(readFileSync(join(FIXTURES, name))))).findings.map((f) => [
      f.ruleId,
      f.severity,
      /_reshape_alias(_copy)? skips the validation/.test(JSON.stringify(f.evidence)),
    ]);
  for (const name of ['hostile_setstate_reshape_alias.pt', 'hostile_setstate_reshape_alias_copy.pt'])
    it(`real archive: ${name} is reported`, async () =>
      assert.deepEqual(await scan(name), [['TORCH-SCRIPT-CUSTOM-OP', 'HIGH', true]]));
  for (const name of ['benign_setstate_as_strided.pt', 'benign_setstate_as_strided_past_storage_raises.pt'])
    it(`real archive: ${name} passes`, async () => assert.deepEqual(await scan(name), []));
});

// Diagonal matrices are quadratic in their operand: `torch.diag(torch.ones([30000]))` at load is 3.6 GB, proved by
// scripts/fixtures/torchscript-load-diag.py (the load fails to allocate in a 2 GiB address space; a 16 x 16 twin loads).
describe('TorchScript load code: diagonal matrices are superlinear', () => {
  const table = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../../src/analyzers/python/torch/torchscript-ops.json'), 'utf8'),
  ) as { superlinear: string[] };
  for (const op of ['aten::diag', 'aten::diagflat', 'aten::diag_embed', 'aten::block_diag'])
    it(`${op} is superlinear`, () => assert.ok(table.superlinear.includes(op)));
  it('aten::diagonal (a view) is not', () => assert.ok(!table.superlinear.includes('aten::diagonal')));
  const dir = join(import.meta.dirname, '../../../fixtures/torchscript-load-diag');
  const kinds = async (name: string) =>
    (await scanBytes(name, new Uint8Array(readFileSync(join(dir, name))))).findings.map((f) => [
      f.ruleId,
      /load-work-superlinear/.test(JSON.stringify(f)),
    ]);
  it('real archive: a 30000-element diagonal at load is reported', async () =>
    assert.deepEqual(await kinds('hostile_setstate_diag.pt'), [['TORCH-SCRIPT-CUSTOM-OP', true]]));
  it('real archive: a 16-element diagonal at load passes', async () =>
    assert.deepEqual(await kinds('benign_setstate_small_diag.pt'), []));
});
