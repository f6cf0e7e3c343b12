// What the CycloneDX bill of materials needs beyond the report: each scanned file's SHA-256 (the report's own: the
// digest of the bytes the scan judged, none when the scan took none) and the model-card fields beside each model
// file — Hugging Face config.json (model_type, architectures, license, base model) and the YAML front matter of
// README.md (license, base_model, datasets, pipeline_tag, library_name). Both are read as data (JSON, YAML 1.2 core
// schema); nothing is executed. Files that cannot be read are skipped, and so is a card file that is a link leading out
// of the model file's folder (opened confined to that folder, as a walk of it would not follow the link either).
import { closeSync, fstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { BomContext, ModelCardFields } from '../report/cyclonedx.js';
import { isModelFile } from '../report/cyclonedx.js';
import type { SentinelReport } from '../report/report-model.js';
import { openConfined } from '../sources/confine.js';

const MAX_CARD_BYTES = 1 << 20;

async function readSmall(path: string): Promise<string | undefined> {
  let fd: number | undefined;
  try {
    fd = openConfined(path, [[realpathSync.native(dirname(path))]]);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_CARD_BYTES) return undefined;
    return readFileSync(fd).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const str = (x: unknown): string | undefined =>
  typeof x === 'string' && x.trim() ? x.trim().slice(0, 500) : undefined;
const strs = (x: unknown): string[] =>
  (Array.isArray(x) ? x : [x])
    .map(str)
    .filter((s): s is string => s !== undefined)
    .slice(0, 50);

/** Model-card fields of one folder (undefined when it has neither file or they say nothing). */
export async function readModelCard(dir: string): Promise<ModelCardFields | undefined> {
  const sources: string[] = [];
  let config: Record<string, unknown> = {};
  let front: Record<string, unknown> = {};
  const cfgText = await readSmall(join(dir, 'config.json'));
  if (cfgText !== undefined) {
    try {
      const v = JSON.parse(cfgText) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        config = v as Record<string, unknown>;
        sources.push('config.json');
      }
    } catch {
      // not JSON: no card fields from it (the scan reports the file itself)
    }
  }
  const readme = await readSmall(join(dir, 'README.md'));
  const m = readme !== undefined ? /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(readme) : null;
  if (m) {
    try {
      const v = parse(m[1]!, { schema: 'core', maxAliasCount: 16 }) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        front = v as Record<string, unknown>;
        sources.push('README.md');
      }
    } catch {
      // front matter that is not YAML: ignored
    }
  }
  if (!sources.length) return undefined;
  const license = str(front['license']) ?? str(config['license']);
  const baseModels = strs(front['base_model'] ?? config['base_model']);
  const task = str(front['pipeline_tag']);
  const modelType = str(config['model_type']);
  const architecture = strs(config['architectures'])[0];
  const datasets = strs(front['datasets']);
  const library = str(front['library_name']);
  return {
    ...(license ? { license } : {}),
    ...(baseModels.length ? { baseModels } : {}),
    ...(task ? { task } : {}),
    ...(modelType ? { modelType } : {}),
    ...(architecture ? { architecture } : {}),
    ...(datasets.length ? { datasets } : {}),
    ...(library ? { library } : {}),
    sources,
  };
}

/** Digests (the report's) and model cards for the report's files (paths resolved against `cwd`). */
export async function bomContext(report: SentinelReport, cwd: string): Promise<BomContext> {
  const sha256 = new Map<string, string>();
  const cards = new Map<string, ModelCardFields>();
  const folderCards = new Map<string, Promise<ModelCardFields | undefined>>();
  for (const f of report.files) {
    if (f.path.startsWith('<')) continue; // standard input and virtual inputs: nothing on disk
    const abs = resolve(cwd, f.path);
    // The scan's digest, of the bytes it judged: a report without one (--no-sha256) gives a BOM without hashes.
    if (f.sha256) sha256.set(f.path, f.sha256);
    if (!isModelFile(f)) continue;
    const dir = dirname(abs);
    if (!folderCards.has(dir)) folderCards.set(dir, readModelCard(dir));
    const card = await folderCards.get(dir);
    if (card) cards.set(f.path, card);
  }
  return { sha256, cards };
}
