// Real TorchScript archives (scripts/fixtures/torchscript-load-positions.py, torch 1.13, proved with --prove): their
// __setstate__ hands stored values to operators as positions (searchsorted's sorter, a pooling backward's indices:
// SIGSEGV at load), sizes and scale factors (normal, histogram, upsampling: the load asks for 2.4 GB) or a search
// string (a substring search whose work is the product of the two lengths). Each is reported; the twins of the same
// shapes with constants, or without the position argument, load and pass.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { archiveBlocking } from './signal-helpers.js';

const DIR = join(import.meta.dirname, '../../../fixtures/torchscript-load-positions');

const blocking = (name: string): Promise<string[]> => archiveBlocking(DIR, name);

const CASES: [string, string[]][] = [
  ['hostile_searchsorted_sorter.pt', ['TORCH-SCRIPT-CUSTOM-OP load-operation-unchecked']],
  ['hostile_pool_backward_indices.pt', ['TORCH-SCRIPT-CUSTOM-OP load-operation-unchecked']],
  ['hostile_normal_stored_size.pt', ['TORCH-SCRIPT-CUSTOM-OP load-work-argument']],
  ['hostile_histogram_stored_bins.pt', ['TORCH-SCRIPT-CUSTOM-OP load-work-argument']],
  ['hostile_upsample_stored_scale.pt', ['TORCH-SCRIPT-CUSTOM-OP load-work-argument']],
  ['hostile_find_stored_needle.pt', ['TORCH-SCRIPT-CUSTOM-OP load-work-product']],
  ['benign_searchsorted_no_sorter.pt', []],
  ['benign_normal_constant_size.pt', []],
  ['benign_histogram_constant_bins.pt', []],
  ['benign_upsample_constant_scale.pt', []],
  ['benign_find_constant_needle.pt', []],
];

describe('TorchScript archives handing stored values to operators as positions, sizes or search strings', () => {
  for (const [name, expected] of CASES)
    it(`${expected.length > 0 ? 'reports' : 'passes'} ${name}`, async () =>
      assert.deepEqual(await blocking(name), expected));
});
