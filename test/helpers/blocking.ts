// The findings of a scan that fail the gate under `--fail-on CRITICAL,HIGH,MEDIUM`, as "<rule>: <signal>" lines: what
// the real-file and hostile-twin tests assert on (empty for a file that passes).
import { scanBytes } from '../../src/scan/engine.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

export async function blocking(name: string, bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`);
}

/**
 * A scan's gate verdict for the case tables of real output and twins: the blocking findings as "<rule>: <signal>"
 * lines, whether every pickle stream it read is LIKELY_SAFE, and every finding as one text for assertion messages.
 */
export async function gateVerdict(
  name: string,
  bytes: Uint8Array,
): Promise<{ blocking: string[]; safe: boolean; why: string }> {
  const r = await scanBytes(name, bytes);
  return {
    blocking: r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`),
    safe: r.pickles.every((p) => p.safety === 'LIKELY_SAFE'),
    why: r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.evidence.signal.slice(0, 400)}`).join('\n'),
  };
}
