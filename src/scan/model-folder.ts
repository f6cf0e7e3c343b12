// Model folders (the Hugging Face layout): a config.json / tokenizer_config.json whose auto_map (or
// custom_pipelines) names Python modules is judged together with the modules beside it. The per-file scan
// summarises (the references; each top-level .py file's import-time calls and relative imports); after the walk
// this phase reports MODEL-REMOTE-CODE on the config — which modules are present and analysed — and on each named
// module (and the modules it imports relatively, which transformers fetches with it) the calls it makes on import.
import { basename, dirname, join } from 'node:path';
import type { RemoteCodeRef } from '../analyzers/model/hf-config.js';
import type { ImportTimeCall } from '../analyzers/python/torch/import-time-rule.js';
import type { Finding } from '../core/finding.js';
import type { Location } from '../core/location.js';
import type { ScanTarget } from '../core/scan-target.js';
import { RuleContext, type ModelFact, type Rule } from '../rules/rule.js';
import { lookUnder } from '../sources/entry-at.js';
import { MODEL_FOLDER_PHASE, type ModelFolderSummary } from './model-folder-summary.js';
import type { PlacedOutcome } from './post-walk.js';

/** One scanned top-level file with its summary. */
interface FolderEntry {
  readonly path: string;
  readonly stable: string;
  readonly target: ScanTarget;
  readonly summary: ModelFolderSummary;
}

export type ModuleState = 'analysed' | 'missing' | 'not-scanned';

const STATE_TEXT: Record<ModuleState, string> = {
  analysed: 'present, analysed',
  missing: 'not in the folder',
  'not-scanned': 'not in this scan',
};

/** MODEL-REMOTE-CODE facts for one config's references (presence known when the folder was scanned). */
export function remoteCodeFacts(
  location: Location,
  refs: readonly RemoteCodeRef[],
  state?: (module: string) => ModuleState,
): ModelFact[] {
  const out: ModelFact[] = [];
  const local = refs.filter((r) => r.repo === undefined);
  const modules = [...new Set(local.map((r) => r.module))].sort();
  if (modules.length) {
    const listed = modules.map((m) => `${m}.py${state ? ` (${STATE_TEXT[state(m)]})` : ''}`);
    const classes = [...new Set(local.map((r) => `${r.module}.${r.className}`))].sort();
    const malformed = local.filter((r) => r.malformed).map((r) => r.value);
    out.push({
      rule: 'MODEL-REMOTE-CODE',
      location,
      format: 'hf-config',
      signal:
        `${local.some((r) => r.path.startsWith('$.auto_map')) ? 'auto_map' : 'custom_pipelines'} names ` +
        `${modules.length} Python module(s) that from_pretrained(trust_remote_code=True) imports: ${listed.join(', ')}`,
      key: `remote-code:${modules.join(',')}`,
      path: local[0]!.path.startsWith('$.auto_map') ? '$.auto_map' : '$.custom_pipelines',
      confidence: 'high',
      details: {
        modules: modules.map((m) => `${m}.py`),
        classes,
        references: local.map((r) => `${r.path} = ${r.value}`),
        ...(state ? { presence: modules.map((m) => `${m}.py: ${state(m)}`) } : {}),
        ...(malformed.length ? { malformed } : {}),
      },
    });
  }
  const byRepo = new Map<string, RemoteCodeRef[]>();
  for (const r of refs) if (r.repo !== undefined) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
  for (const [repo, rs] of byRepo) {
    out.push({
      rule: 'MODEL-REMOTE-CODE',
      location,
      format: 'hf-config',
      signal:
        `${rs[0]!.path} imports ${rs.map((r) => `${r.module}.${r.className}`).join(', ')} from another repository ` +
        `(${repo}): unpinned remote code, fetched at that repository's default branch when the model loads`,
      key: `cross-repo:${repo}:${rs
        .map((r) => r.value)
        .sort()
        .join(',')}`,
      path: rs[0]!.path,
      confidence: 'high',
      details: { repository: repo, references: rs.map((r) => `${r.path} = ${r.value}`), pinned: false },
    });
  }
  return out;
}

/** MODEL-REMOTE-CODE facts for a named module's import-time calls. */
export function importTimeFacts(location: Location, config: string, calls: readonly ImportTimeCall[]): ModelFact[] {
  const module = basename(location.chain[0] ?? '');
  return calls.map((c) => ({
    rule: 'MODEL-REMOTE-CODE' as const,
    location: { chain: location.chain, line: c.line, column: c.column },
    format: 'python',
    signal:
      `${module} ${c.what} when imported (${c.api}): ${config} makes from_pretrained(trust_remote_code=True) import ` +
      'this module, so the call runs in the consumer process',
    key: `import-time:${c.api}:${c.snippet.replace(/\s+/g, ' ')}`,
    line: c.line,
    column: c.column,
    snippet: c.snippet,
    confidence: c.category === 'dynamic-import' ? ('medium' as const) : ('high' as const),
    details: { category: c.category, api: c.api, importedBy: config },
  }));
}

function moduleName(path: string): string | undefined {
  const b = basename(path);
  return b.endsWith('.py') ? b.slice(0, -3) : undefined;
}

/** The cross-file phase: findings for every folder whose config names modules (in walk order of the configs). */
export function modelFolderFindings(files: readonly PlacedOutcome[], rules: readonly Rule[]): Finding[] {
  const entries: FolderEntry[] = [];
  for (const f of files) {
    const summary = f.outcome.summaries?.[MODEL_FOLDER_PHASE] as ModelFolderSummary | undefined;
    if (summary) entries.push({ path: f.member.path, stable: f.member.stable, target: f.member.target, summary });
  }
  const visitors = rules.filter((r) => r.visit.model !== undefined);
  if (visitors.length === 0) return [];
  const pythonByDir = new Map<string, Map<string, FolderEntry>>();
  for (const e of entries) {
    const m = moduleName(e.path);
    if (!e.summary.python || m === undefined) continue;
    const dir = dirname(e.path);
    if (!pythonByDir.has(dir)) pythonByDir.set(dir, new Map());
    pythonByDir.get(dir)!.set(m, e);
  }
  const out: Finding[] = [];
  out.push(...onnxExternalFindings(files, entries, visitors));
  const reported = new Set<string>();
  for (const e of entries) {
    const refs = e.summary.remoteCode?.refs;
    if (!refs?.length) continue;
    const dir = dirname(e.path);
    const present = pythonByDir.get(dir) ?? new Map<string, FolderEntry>();
    const state = (m: string): ModuleState =>
      present.has(m) ? 'analysed' : e.target.isDirectory ? 'missing' : 'not-scanned';
    const ctx = new RuleContext(e.target, e.stable);
    const dispatch = (f: ModelFact, c: RuleContext): void => {
      for (const r of visitors) r.visit.model!(f, c);
    };
    for (const f of remoteCodeFacts({ chain: [e.path] }, refs, state)) dispatch(f, ctx);
    out.push(...ctx.findings);
    // The named modules and, transitively, the sibling modules they import relatively.
    const queue = [...new Set(refs.filter((r) => r.repo === undefined).map((r) => r.module))];
    const seen = new Set(queue);
    while (queue.length) {
      const m = queue.shift()!;
      const py = present.get(m);
      if (!py?.summary.python) continue;
      for (const rel of py.summary.python.relativeImports)
        if (!seen.has(rel) && present.has(rel)) {
          seen.add(rel);
          queue.push(rel);
        }
      const key = join(dir, m);
      if (reported.has(key)) continue;
      reported.add(key);
      const pyCtx = new RuleContext(py.target, py.stable);
      for (const f of importTimeFacts({ chain: [py.path] }, basename(e.path), py.summary.python.importTime))
        dispatch(f, pyCtx);
      out.push(...pyCtx.findings);
    }
  }
  return out;
}

/**
 * ONNX external data read past the end of its file: onnx's loader seeks to `offset` and reads `length` bytes of the
 * file named by `location` beside the model (a short read leaves the tensor with fewer bytes than it declares; ONNX
 * Runtime refuses the range). Checked for side files that are part of this scan, against their scanned size.
 */
function onnxExternalFindings(
  files: readonly PlacedOutcome[],
  entries: readonly FolderEntry[],
  visitors: readonly Rule[],
): Finding[] {
  const sizes = new Map<string, number>();
  for (const f of files) sizes.set(f.member.path, f.member.size);
  const out: Finding[] = [];
  for (const e of entries) {
    const tensors = e.summary.onnxExternal?.tensors;
    if (!tensors?.length) continue;
    const ctx = new RuleContext(e.target, e.stable);
    for (const t of tensors) {
      const file = join(dirname(e.path), t.location);
      let size = sizes.get(file);
      if (size === undefined && !e.target.isDirectory) {
        // A model named on its own: the walk did not look at its side files, the loader opens them anyway.
        const side = sideFileOnDisk(dirname(e.path), t.location);
        if (side.kind === 'file') size = side.size;
        else if (side.kind !== 'absent') {
          const fact: ModelFact = {
            rule: 'MODEL-EXTERNAL-DATA',
            location: { chain: [e.path] },
            format: 'onnx',
            signal:
              `tensor ${JSON.stringify(t.tensor)} reads its data from ${JSON.stringify(t.location)}, which beside ` +
              `the model is ${side.what}: onnx's loader follows a link to whatever it names and blocks on a FIFO or ` +
              'device, so the tensor is not the bytes of a file in the model folder',
            key: `external-side-file:${t.tensor}:${t.location}`,
            path: `${t.path}.external_data`,
            confidence: 'high',
            details: { tensor: t.tensor, location: t.location, problem: side.kind },
          };
          for (const r of visitors) r.visit.model!(fact, ctx);
          continue;
        }
      }
      if (size === undefined) continue;
      const offset = BigInt(t.offset);
      const end = t.length === undefined ? offset : offset + BigInt(t.length);
      if (end <= BigInt(size)) continue;
      const fact: ModelFact = {
        rule: 'MODEL-EXTERNAL-DATA',
        location: { chain: [e.path] },
        format: 'onnx',
        signal:
          `tensor ${JSON.stringify(t.tensor)} reads bytes ${offset}..${end} of ${JSON.stringify(t.location)}, a file ` +
          `of ${size} bytes: the range does not lie inside the side file, so the loaded tensor is not what the ` +
          'model declares (onnx reads short; ONNX Runtime refuses it)',
        key: `external-range:${t.tensor}:${t.location}:${t.offset}:${t.length ?? ''}`,
        path: `${t.path}.external_data`,
        confidence: 'high',
        details: { tensor: t.tensor, location: t.location, offset: t.offset, length: t.length ?? '', fileBytes: size },
      };
      for (const r of visitors) r.visit.model!(fact, ctx);
    }
    out.push(...ctx.findings);
  }
  return out;
}

type SideFile =
  | { kind: 'file'; size: number }
  | { kind: 'absent' }
  | { kind: 'SIDE_FILE_LINK' | 'SIDE_FILE_NOT_REGULAR'; what: string };

/**
 * What a side-file location names beside a model, by lstat of each path component (never opened, so a FIFO cannot
 * block): a plain file and its size, nothing, or what the folder walk refuses too (a symbolic link on the way, or a
 * FIFO, device, socket or folder in place of the file). The location is relative and stays in the folder
 * (side-file-path.ts reports the others).
 */
function sideFileOnDisk(dir: string, location: string): SideFile {
  const look = lookUnder(dir, location);
  if (look.kind === 'absent') return { kind: 'absent' };
  const st = look.stats;
  if (st.isSymbolicLink()) return { kind: 'SIDE_FILE_LINK', what: `a symbolic link (${JSON.stringify(look.path)})` };
  if (look.kind === 'stopped') return { kind: 'absent' };
  if (st.isFile()) return { kind: 'file', size: st.size };
  return {
    kind: 'SIDE_FILE_NOT_REGULAR',
    what: st.isFIFO()
      ? 'a FIFO'
      : st.isCharacterDevice() || st.isBlockDevice()
        ? 'a device'
        : st.isSocket()
          ? 'a socket'
          : st.isDirectory()
            ? 'a folder'
            : 'not a regular file',
  };
}
