// The derived operator table (torchscript-ops.json, scripts/data/derive-torchscript-ops.py), parsed once, when a
// TorchScript load rule first needs it. In the CLI bundle the file sits beside the bundle (scripts/bundle.mjs): 115 KB
// of text a run that reads no TorchScript never loads.
import { lazyJson } from '../../../core/lazy-json.js';
import table from './torchscript-ops.json' with { type: 'json' };

export const torchscriptOps = lazyJson<unknown>(table);
