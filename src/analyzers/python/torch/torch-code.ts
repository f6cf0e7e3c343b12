// TORCH code rules over analysed Python facts: TORCH-LOAD-UNTRUSTED, TORCH-SCRIPT-CUSTOM-OP and
// TORCH-HUB-DYNAMIC-IMPORT (plus the hubconf.py review for fileKind 'hubconf'). Raw signals, sorted by position.
import type { CodeSignal, TorchFileKind } from '../code-signal.js';
import type { PythonModule } from '../module-model.js';
import { detectHubconf } from './hubconf-rule.js';
import { detectCustomOps } from './torch-custom-op-rule.js';
import { detectTorchHub } from './torch-hub-rule.js';
import { detectTorchLoad } from './torch-load-rule.js';
import { detectTorchScriptLoadCode, type TorchScriptArchive } from './torchscript-load-rule.js';

export type { CodeSignal, Confidence, TorchCodeRuleId, TorchFileKind } from '../code-signal.js';

/**
 * Names TorchScript `code/` files use without importing them: `torch.<op>` for aten, `ops.<ns>.<op>` for every
 * other namespace (seen in files written by torch 1.13's `torch.jit.save`). Pass as `implicitGlobals` when
 * analysing such a file.
 */
export const TORCHSCRIPT_IMPLICIT_GLOBALS: Readonly<Record<string, string>> = Object.freeze({
  torch: 'torch',
  ops: 'torch.ops',
});

/**
 * Run every TORCH code detector over one analysed file. A TorchScript file may come with its archive's index (all
 * its code files) and its place in it, so that load code calling a class of another file is followed there.
 */
export function detectTorchSignals(
  mod: PythonModule,
  ctx: { fileKind: TorchFileKind; archive?: TorchScriptArchive; file?: number },
): CodeSignal[] {
  const signals = [
    ...detectTorchLoad(mod, ctx.fileKind),
    ...detectTorchHub(mod, ctx.fileKind),
    ...detectCustomOps(mod, ctx.fileKind),
    ...detectTorchScriptLoadCode(mod, ctx.fileKind, ctx.archive, ctx.file),
    ...(ctx.fileKind === 'hubconf' ? detectHubconf(mod) : []),
  ];
  return signals.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}
