// Test helper: analyse several Python files as one project and run the DESER detectors across them.
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import { detectProjectSignals } from '../../../src/analyzers/deser/code.js';
import { DeserProject } from '../../../src/analyzers/deser/project.js';
import type { CodeSignal } from '../../../src/analyzers/python/code-signal.js';

/** Signals per file of a project given as `relative/path.py` → source. */
export async function projectSignals(files: Record<string, string>): Promise<Map<string, CodeSignal[]>> {
  const inputs = [];
  for (const [relPath, src] of Object.entries(files)) {
    inputs.push({ file: relPath, relPath, mod: await analyzePythonModule(src) });
  }
  return detectProjectSignals(new DeserProject(inputs));
}
