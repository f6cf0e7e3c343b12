// Hugging Face model folders: the JSON keys that make `from_pretrained(..., trust_remote_code=True)` import Python
// from the repository (transformers `dynamic_module_utils.get_class_from_dynamic_module`): `auto_map` in
// config.json / tokenizer_config.json / *processor*_config.json maps an Auto class to `module.Class` (a list of
// them for tokenizers: slow, fast), optionally prefixed by another repository as `org/repo--module.Class`;
// `custom_pipelines` maps a task to `{impl: "module.Class"}`. The module is the file `<module>.py` beside the config.

export interface RemoteCodeRef {
  /** JSON path of the reference (`$.auto_map.AutoModelForCausalLM`, `$.custom_pipelines["text-x"].impl`). */
  readonly path: string;
  /** The reference as written. */
  readonly value: string;
  /** Module file stem (`modeling_phi3`); the file is `<module>.py`. */
  readonly module: string;
  readonly className: string;
  /** `org/repo` for a reference into another repository (fetched at its default branch: unpinned). */
  readonly repo?: string;
  /** The reference does not have the `module.Class` form transformers accepts. */
  readonly malformed?: boolean;
}

function parseRef(path: string, value: string): RemoteCodeRef {
  let ref = value;
  let repo: string | undefined;
  const sep = ref.indexOf('--');
  if (sep >= 0) {
    repo = ref.slice(0, sep);
    ref = ref.slice(sep + 2);
  }
  const parts = ref.split('.');
  const malformed = parts.length !== 2 || !parts[0] || !parts[1];
  return {
    path,
    value,
    module: parts.length >= 2 ? parts.slice(0, -1).join('.') : ref,
    className: parts.length >= 2 ? parts[parts.length - 1]! : '',
    ...(repo !== undefined ? { repo } : {}),
    ...(malformed ? { malformed } : {}),
  };
}

function key(path: string, k: string): string {
  return /^[A-Za-z_]\w*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
}

/** Remote-code references in a parsed config JSON (empty when it has none). */
export function remoteCodeRefs(json: unknown): RemoteCodeRef[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const o = json as Record<string, unknown>;
  const out: RemoteCodeRef[] = [];
  const autoMap = o['auto_map'];
  if (typeof autoMap === 'object' && autoMap !== null && !Array.isArray(autoMap)) {
    for (const [k, v] of Object.entries(autoMap as Record<string, unknown>)) {
      const p = key('$.auto_map', k);
      if (typeof v === 'string') out.push(parseRef(p, v));
      else if (Array.isArray(v))
        v.forEach((x, i) => {
          if (typeof x === 'string') out.push(parseRef(`${p}[${i}]`, x));
        });
    }
  }
  const pipelines = o['custom_pipelines'];
  if (typeof pipelines === 'object' && pipelines !== null && !Array.isArray(pipelines)) {
    for (const [task, def] of Object.entries(pipelines as Record<string, unknown>)) {
      if (typeof def !== 'object' || def === null) continue;
      const impl = (def as Record<string, unknown>)['impl'];
      if (typeof impl === 'string') out.push(parseRef(key(key('$.custom_pipelines', task), 'impl'), impl));
    }
  }
  return out;
}

/**
 * The chat templates a tokenizer/processor config carries: a string, a list of `{name, template}`, or a map of name
 * to template (transformers keeps a list as that map and takes a map as it is: `get_chat_template` picks from it).
 */
export function chatTemplates(json: unknown): { path: string; name: string; template: string }[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const t = (json as Record<string, unknown>)['chat_template'];
  if (typeof t === 'string') return [{ path: '$.chat_template', name: 'default', template: t }];
  const out: { path: string; name: string; template: string }[] = [];
  if (typeof t === 'object' && t !== null && !Array.isArray(t)) {
    for (const [name, template] of Object.entries(t as Record<string, unknown>))
      if (typeof template === 'string') out.push({ path: key('$.chat_template', name), name, template });
    return out;
  }
  if (!Array.isArray(t)) return [];
  t.forEach((e, i) => {
    if (typeof e !== 'object' || e === null) return;
    const { name, template } = e as Record<string, unknown>;
    if (typeof template === 'string')
      out.push({ path: `$.chat_template[${i}].template`, name: typeof name === 'string' ? name : String(i), template });
  });
  return out;
}

/** Shard names a `*.safetensors.index.json` (or pytorch_model.bin.index.json) maps weights to. */
export function indexShards(json: unknown): { path: string; file: string }[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const map = (json as Record<string, unknown>)['weight_map'];
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return [];
  const seen = new Map<string, string>();
  for (const [k, v] of Object.entries(map as Record<string, unknown>))
    if (typeof v === 'string' && !seen.has(v)) seen.set(v, key('$.weight_map', k));
  return [...seen].map(([file, path]) => ({ path, file }));
}
