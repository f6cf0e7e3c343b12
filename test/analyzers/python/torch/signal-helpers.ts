// Test helper: analyse a Python snippet and run the TORCH code detectors over it.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanBytes } from '../../../../src/scan/engine.js';
import { analyzePythonModule } from '../../../../src/analyzers/python/analyze-module.js';
import { indexTorchScriptArchive } from '../../../../src/analyzers/python/torch/torchscript-load-rule.js';
import type { StoredStates } from '../../../../src/analyzers/pickle/stored-states.js';
import {
  TORCHSCRIPT_IMPLICIT_GLOBALS,
  detectTorchSignals,
  type CodeSignal,
  type TorchCodeRuleId,
  type TorchFileKind,
} from '../../../../src/analyzers/python/torch/torch-code.js';

export async function signalsFor(src: string, fileKind: TorchFileKind = 'python'): Promise<CodeSignal[]> {
  const mod = await analyzePythonModule(
    src,
    fileKind === 'torchscript' ? { implicitGlobals: TORCHSCRIPT_IMPLICIT_GLOBALS, protocolUses: true } : {},
  );
  return detectTorchSignals(mod, { fileKind });
}

/** `[ruleId, line]` of every signal of one rule. */
export async function hits(
  src: string,
  rule: TorchCodeRuleId,
  fileKind: TorchFileKind = 'python',
): Promise<[string, number][]> {
  return (await signalsFor(src, fileKind)).filter((s) => s.ruleId === rule).map((s) => [s.ruleId, s.line]);
}

/** A table case: source lines, and the lines (with confidence) expected for one rule. */
export interface RuleCase {
  name: string;
  src: string[];
  fileKind?: TorchFileKind;
  /** Expected `[line, confidence]` pairs; empty for a valid case. */
  expect: [number, CodeSignal['confidence']][];
  /** Optional checks on the details / message of the first signal. */
  details?: Record<string, unknown>;
  message?: string;
  /** Finding kinds (details.kind) this case does not look at. */
  ignoreKinds?: readonly string[];
}

/**
 * One table case of `rule`: its signals' `[line, confidence]` are `expect`, the first one's details and message as
 * the case gives. The source is read as `fileKind` when given, else as the case's kind.
 */
export async function assertRuleCase(rule: TorchCodeRuleId, c: RuleCase, fileKind?: TorchFileKind): Promise<void> {
  const signals = (await signalsFor(c.src.join('\n') + '\n', fileKind ?? c.fileKind)).filter(
    (s) => s.ruleId === rule && !(c.ignoreKinds ?? []).includes(String(s.details?.kind)),
  );
  assert.deepEqual(
    signals.map((s) => [s.line, s.confidence]),
    c.expect,
    signals.map((s) => s.message).join('\n'),
  );
  const first = signals[0];
  if (c.details !== undefined)
    for (const [k, v] of Object.entries(c.details)) assert.deepEqual(first?.details[k], v, k);
  if (c.message !== undefined) assert.ok(first?.message.includes(c.message), first?.message);
}

/** A scripted class with the given `__setstate__` body lines and extra methods, as torch's printer writes one. */
export function scriptedClass(setstate: string[], extra: string[] = []): string[] {
  return [
    'class M(Module):',
    '  __parameters__ = []',
    '  w : Tensor',
    '  def forward(self: __torch__.M, x: Tensor) -> Tensor:',
    '    return torch.add(x, self.w)',
    '  def __setstate__(self: __torch__.M, state: Tuple[str, Tensor]) -> NoneType:',
    ...setstate.map((l) => '    ' + l),
    '    return None',
    ...extra,
  ];
}

const TORCHSCRIPT_FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-load');

/** The finding kinds a scan gives for one of the real archives in test/fixtures/torchscript-load. */
export async function archiveFindingKinds(name: string): Promise<unknown[]> {
  const r = await scanBytes(name, new Uint8Array(readFileSync(join(TORCHSCRIPT_FIXTURES, name))));
  return r.findings.map((f) => f.evidence.details?.kind);
}

/** The HIGH TORCH-SCRIPT-CUSTOM-OP signals of each file of an archive whose code files are `files` (path -> lines). */
export async function archiveSignals(
  files: Record<string, string[]>,
  stored?: StoredStates,
): Promise<Record<string, CodeSignal[]>> {
  const read = await Promise.all(
    Object.entries(files).map(async ([path, lines]) => ({
      path,
      mod: await analyzePythonModule(lines.join('\n') + '\n', {
        implicitGlobals: TORCHSCRIPT_IMPLICIT_GLOBALS,
        protocolUses: true,
      }),
    })),
  );
  const archive = indexTorchScriptArchive(read, stored);
  const out: Record<string, CodeSignal[]> = {};
  read.forEach(({ path, mod }, file) => {
    out[path] = detectTorchSignals(mod, { fileKind: 'torchscript', archive, file }).filter(
      (s) => s.ruleId === 'TORCH-SCRIPT-CUSTOM-OP' && s.confidence === 'high',
    );
  });
  return out;
}

/** `[path, kind]` of every HIGH signal of the archive. */
export async function archiveKinds(
  files: Record<string, string[]>,
  stored?: StoredStates,
): Promise<[string, unknown][]> {
  const by = await archiveSignals(files, stored);
  return Object.entries(by).flatMap(([path, ss]) => ss.map((s) => [path, s.details?.kind] as [string, unknown]));
}

/** The CRITICAL and HIGH findings of an archive in `dir`, as "<rule> <details.kind>". */
export async function archiveBlocking(dir: string, name: string): Promise<string[]> {
  const r = await scanBytes(name, new Uint8Array(readFileSync(join(dir, name))));
  return r.findings
    .filter((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH')
    .map((f) => `${f.ruleId} ${String(f.evidence.details?.kind)}`);
}

/** One archive of a proved fixture manifest (scripts/fixtures/torchscript-load-*.py): its verdict and its proof. */
export interface ProvedArchive {
  readonly file: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly load?: Record<string, string>;
}

/** The archives of the proved manifest in fixture folder `dir`. */
export function provedArchives(dir: URL): ProvedArchive[] {
  return (JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { files: ProvedArchive[] }).files;
}

/**
 * Scans archive `f` of `dir`: a twin has no CRITICAL or HIGH finding; a hostile one has a TORCH-SCRIPT-CUSTOM-OP
 * finding whose details.kind matches `kind` and whose signal (with its snippet) matches `words`.
 */
export async function assertProvedArchive(dir: URL, f: ProvedArchive, kind?: RegExp, words?: RegExp): Promise<void> {
  const r = await scanBytes(f.file, readFileSync(new URL(f.file, dir)));
  const found = r.findings.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH');
  if (f.expect === 'pass') {
    assert.deepEqual(
      found.map((x) => x.evidence.signal),
      [],
    );
    return;
  }
  assert.ok(kind !== undefined, `${f.file}: no expected kind`);
  assert.ok(
    found.some(
      (x) =>
        x.ruleId === 'TORCH-SCRIPT-CUSTOM-OP' &&
        kind.test(String(x.evidence.details?.['kind'])) &&
        (words === undefined || words.test(`${x.evidence.signal} ${x.evidence.snippet ?? ''}`)),
    ),
    found.map((x) => `${x.ruleId}: ${String(x.evidence.details?.['kind'])}: ${x.evidence.signal}`).join('\n'),
  );
}
