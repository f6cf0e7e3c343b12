// Threshold presets on the six-level pickle safety scale: strict (default) accepts only LIKELY_SAFE,
// moderate up to POSSIBLY_UNSAFE, permissive up to SUSPICIOUS (fickling's recommendations, restated as data).
import type { SafetyLevel } from '../core/severity.js';

/** The pickle threshold presets, strictest first. */
export const PRESET_NAMES = ['strict', 'moderate', 'permissive'] as const;
/** A pickle threshold preset: strict, moderate or permissive. */
export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESETS: Readonly<Record<PresetName, { readonly max: SafetyLevel; readonly use: string }>> = {
  strict: { max: 'LIKELY_SAFE', use: 'production: any non-standard import fails the gate' },
  moderate: { max: 'POSSIBLY_UNSAFE', use: 'development: framework classes outside the allowlist become tickets' },
  permissive: { max: 'SUSPICIOUS', use: 'research only: structural oddities are tolerated' },
};

export const DEFAULT_PRESET: PresetName = 'strict';

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}
