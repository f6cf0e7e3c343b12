// The findings of a scan that fail the gate under `--fail-on CRITICAL,HIGH,MEDIUM`, as "<rule>: <signal>" lines: what
// the real-file and hostile-twin tests assert on (empty for a file that passes).
import { scanBytes } from '../../src/scan/engine.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

export async function blocking(name: string, bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`);
}
