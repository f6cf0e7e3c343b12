// JSON files, by content (an object after optional whitespace and BOM): Hugging Face configs — auto_map and
// custom_pipelines naming Python modules (MODEL-REMOTE-CODE, judged with the folder after the walk when the file is
// on disk), chat templates (tokenizer_config.json, processor and chat_template.json files), weight-index shard names
// that leave the folder (MODEL-EXTERNAL-DATA) — and Keras configs (.keras config.json, model.to_json() files).
import { formatLocation } from '../../core/location.js';
import { readAll } from '../../sources/byte-source.js';
import type { Expander } from './context.js';
import { reportTemplate } from './model-signals.js';

/** JSON larger than this is not parsed (tokenizer.json files are tens of MB; configs are kilobytes). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

function startsLikeObject(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b;
}

export const jsonExpander: Expander = {
  id: 'json',
  detect: (head, src) => startsLikeObject(head) && src.size <= MAX_JSON_BYTES,
  async expand(src, ctx) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(readAll(src)));
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
    return true;
  },
};
