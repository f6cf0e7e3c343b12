// A small model repository on disk for remote-scan tests that serve it (the Hub stand-in): a config and one
// safetensors file, and an empty result-cache folder beside it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safetensors } from './model-builders.js';

export interface SmallRepo {
  readonly dir: string;
  readonly cacheDir: string;
  /** Removes both folders. */
  remove(): void;
}

/** config.json and model.safetensors (one 64x64 F32 tensor) in a new folder named after `prefix`. */
export function smallRepo(prefix: string): SmallRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cacheDir = mkdtempSync(join(tmpdir(), 'sentinel-cache-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert' }));
  writeFileSync(join(dir, 'model.safetensors'), safetensors([{ name: 'w', dtype: 'F32', shape: [64, 64] }]));
  return {
    dir,
    cacheDir,
    remove() {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
