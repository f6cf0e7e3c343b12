// JSON files, by content (an object after optional whitespace and BOM): Hugging Face configs — auto_map and
// custom_pipelines naming Python modules (MODEL-REMOTE-CODE, judged with the folder after the walk when the file is
// on disk), chat templates (tokenizer_config.json, processor and chat_template.json files), weight-index shard names
// that leave the folder (MODEL-EXTERNAL-DATA) — and Keras configs (.keras config.json, model.to_json() files).
// A file named exactly tokenizer.json is the tokenizers format (formats/json/tokenizers-file.ts): only its head is
// read, as no loader renders or imports anything from it.
import { child, formatLocation, innermostName, layerSegment } from '../../core/location.js';
import { countJsonKeys, parsePythonJson } from '../../formats/json/python-json.js';
import { SB3_DATA, serializedValues, SERIALIZED_KEY } from '../../formats/json/serialized-values.js';
import type { PickleRun } from '../../analyzers/pickle/facts.js';
import { classifyImport } from '../../rules/classify.js';
import { isTokenizersFile, TOKENIZERS_HEAD_BYTES } from '../../formats/json/tokenizers-file.js';
import { MemorySource, readAll, type ByteSource } from '../../sources/byte-source.js';
import type { Expander } from './context.js';
import { reportTemplate } from './model-signals.js';

/**
 * JSON larger than this is not parsed but reported as not scanned (tokenizer.json files are tens of MB; configs
 * are kilobytes; Python reads any size, so a larger JSON object is never listed as plain text).
 */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const WINDOW = 64 * 1024;
const KEYS_PER_ENTRY = 5;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** An object after optional BOM and whitespace of any length (Python's json skips all of it). */
function startsLikeObject(head: Uint8Array, src: ByteSource): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && isSpace(head[i])) i++;
  if (i < head.length) return head[i] === 0x7b;
  // All whitespace so far: read on in windows (bounded by the file; whitespace only costs reading it).
  for (let pos = head.length; pos < src.size; pos += WINDOW) {
    const w = src.read(pos, Math.min(WINDOW, src.size - pos));
    if (w.length === 0) return false;
    for (let k = 0; k < w.length; k++) if (!isSpace(w[k])) return w[k] === 0x7b;
  }
  return false;
}

export const jsonExpander: Expander = {
  id: 'json',
  detect: (head, src) => startsLikeObject(head, src),
  async expand(src, ctx) {
    if (isTokenizersFile(innermostName(src.location))) {
      // The structure check is detect's (a JSON object starts in the head); the vocabulary and merges after it are
      // data to every loader, and not read.
      const checked = Math.min(src.size, TOKENIZERS_HEAD_BYTES);
      ctx.format('json');
      ctx.inventory({
        where: formatLocation(src.location),
        format: 'tokenizers',
        details: { bytesChecked: checked, parsed: false },
      });
      return true;
    }
    if (src.size > MAX_JSON_BYTES) {
      ctx.format('json');
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntryBytes',
        reason: `JSON object of ${src.size} bytes is larger than the ${MAX_JSON_BYTES} bytes this reader parses: its chat templates, remote-code references and shard paths were not checked`,
      });
      return true;
    }
    const bytes = readAll(src);
    // Decoded, a key costs ~500 bytes (measured: a weight index of 1,000,000 entries reached 547 MB): more keys
    // than maxEntries x KEYS_PER_ENTRY are not parsed (tokenizer.json vocabularies stay well below).
    const keys = countJsonKeys(bytes);
    const maxKeys = ctx.limits.maxEntries * KEYS_PER_ENTRY;
    if (keys > maxKeys) {
      ctx.format('json');
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntries',
        reason: `JSON object of ${keys} keys, more than maxEntries x ${KEYS_PER_ENTRY} (${maxKeys}): not parsed, so its chat templates, remote-code references and shard paths were not checked`,
      });
      return true;
    }
    let json: unknown;
    try {
      json = parsePythonJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return false;
    }
    ctx.format('json');
    const [{ chatTemplates, indexShards, remoteCodeRefs }, { looksLikeKerasConfig }, { sideFileProblem }] =
      await Promise.all([
        import('../../analyzers/model/hf-config.js'),
        import('../../analyzers/model/keras-config.js'),
        import('../../analyzers/model/side-file-path.js'),
      ]);
    const refs = remoteCodeRefs(json);
    if (refs.length) ctx.checked('config');
    if (refs.length && !ctx.folder({ remoteCode: { refs } })) {
      const { remoteCodeFacts } = await import('../model-folder.js');
      for (const f of remoteCodeFacts(src.location, refs)) ctx.model(f);
    }
    for (const t of chatTemplates(json))
      await reportTemplate(ctx, t.template, {
        location: src.location,
        path: t.path,
        format: 'hf-config',
        name: t.name,
      });
    if (looksLikeKerasConfig(json)) {
      const { reportKerasConfig } = await import('./keras-signals.js');
      const layers = await reportKerasConfig(ctx, json, { location: src.location, format: 'keras', prefix: '' });
      const o = json as Record<string, unknown>;
      ctx.inventory({
        where: formatLocation(src.location),
        format: 'keras-config',
        details: {
          layers,
          ...(typeof o['class_name'] === 'string' ? { model: o['class_name'].slice(0, 100) } : {}),
        },
      });
    }
    const shards = indexShards(json);
    for (const s of shards) {
      const problem = sideFileProblem(s.file);
      if (!problem) continue;
      ctx.model({
        rule: 'MODEL-EXTERNAL-DATA',
        location: src.location,
        format: 'weight-index',
        signal: `weight_map points the loader at shard ${JSON.stringify(s.file)}: ${problem.reason}`,
        key: `shard:${s.file}`,
        path: s.path,
        confidence: 'high',
        details: { shard: s.file, problem: problem.code },
      });
    }
    if (shards.length)
      ctx.inventory({
        where: formatLocation(src.location),
        format: 'weight-index',
        details: { shards: shards.slice(0, 100).map((s) => s.file) },
      });
    await scanSerializedValues(json, src, ctx);
    return true;
  },
};

/**
 * Each ":serialized:" string (stable-baselines3's `data` member, formats/json/serialized-values.ts) is the base64 of
 * a pickle its loader hands to cloudpickle.loads: the decoded bytes are analysed as one pickle, at a location naming
 * the JSON path. Text Python's b64decode refuses loads nothing (the loader warns and goes on).
 */
async function scanSerializedValues(json: unknown, src: ByteSource, ctx: Parameters<Expander['expand']>[1]) {
  const { values, truncated } = serializedValues(json);
  // stable-baselines3's `data` always holds its policy class this way: the reading is then that library's load,
  // which the findings name (it replaces a key given in custom_objects without unpickling it).
  const context = values.some((v) => v.path === '/policy_class') ? SB3_DATA : 'pickle';
  for (const v of values) {
    if (!v.bytes) {
      ctx.note(
        `${formatLocation(src.location)}#${v.path}: ${SERIALIZED_KEY} text is not base64 Python decodes (${v.error}); no loader reads it`,
      );
      continue;
    }
    ctx.checked('serialized-pickle');
    ctx.charge(v.bytes.length);
    const nested = new MemorySource(child(src.location, layerSegment(`base64 #${v.path}`)), v.bytes);
    const { runs } = await ctx.analyzePickle(
      nested,
      0,
      nested.size,
      { persistentLoad: false, joblibArrays: false },
      context,
      undefined,
      1,
    );
    if (context === SB3_DATA) sb3CalledNames(ctx, src, v.path, runs);
  }
  if (truncated)
    ctx.incomplete({
      location: src.location,
      kind: 'limit',
      limit: 'maxEntries',
      reason: `JSON value has more nodes than this reader walks for ${SERIALIZED_KEY} pickles; the rest was not read`,
    });
}

/**
 * The values of a stable-baselines3 model's `data` that its load and training call with arguments of their own: the
 * policy and buffer classes (called with the spaces and the data's keyword arguments), the policy's and buffers'
 * keyword arguments (features_extractor_class, optimizer_class, activation_fn: called by the policy's constructor),
 * and the schedules (called with the training progress).
 */
const SB3_CALLED = new Set([
  '/policy_class',
  '/rollout_buffer_class',
  '/replay_buffer_class',
  '/policy_kwargs',
  '/rollout_buffer_kwargs',
  '/replay_buffer_kwargs',
  '/learning_rate',
  '/lr_schedule',
  '/clip_range',
  '/clip_range_vf',
  '/exploration_schedule',
]);

/**
 * Modules whose admitted names stable-baselines3 calls from those values as its releases do: its own classes, torch's
 * activation layers (activation_fn, called with no argument) and optimizers (optimizer_class, called with the
 * policy's parameters and numbers). Another torch layer there is called with the spaces and the data's keyword
 * arguments (a TransformerEncoder copies its first argument num_layers times).
 */
const SB3_CALLS = /^(?:stable_baselines3|torch\.nn\.modules\.activation|torch\.optim)\./;
/** Modules of the data those values hold beside them (numbers, arrays, containers), never called by the load. */
const SB3_DATA_MODULES = /^(?:builtins|collections|copyreg|_codecs|numpy)(?:\.|$)/;

/**
 * An admitted name of another library in a value stable-baselines3 calls: the pickle rules admit it for what
 * unpickling does with it, but the load then calls it with arguments of its own and the data's keyword arguments,
 * which no pack reviewed. Names no pack admits are reported by the pickle rules already.
 */
function sb3CalledNames(
  ctx: Parameters<Expander['expand']>[1],
  src: ByteSource,
  path: string,
  runs: readonly PickleRun[],
): void {
  if (!SB3_CALLED.has(path)) return;
  const seen = new Set<string>();
  for (const run of runs)
    for (const imp of run.imports) {
      const name = imp.canonical;
      if (seen.has(name) || SB3_CALLS.test(name) || SB3_DATA_MODULES.test(name)) continue;
      seen.add(name);
      if (classifyImport(imp).kind !== 'allowed') continue;
      ctx.model({
        rule: 'MODEL-LAMBDA-CODE',
        location: child(src.location, layerSegment(`base64 #${path}`)),
        format: 'stable-baselines3',
        signal:
          `the model's data names ${name} at ${path.slice(1)}, which stable-baselines3's load calls with arguments ` +
          "of its own and the data's keyword arguments: a name outside stable-baselines3 and torch's layers and " +
          'optimizers, whose call no review covers',
        key: `sb3-called:${path}:${name}`,
        path,
        confidence: 'high',
        details: { name, key: path.slice(1) },
      });
      if (seen.size >= 16) return;
    }
}
