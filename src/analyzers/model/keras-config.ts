// Keras model configs (the `.keras` zip's config.json, legacy HDF5's `model_config`/`training_config` attributes,
// `model.to_json()` files): what loading would execute. Lambda layers carry marshalled Python bytecode (Keras 2:
// `function: [base64, defaults, closure]` with `function_type: "lambda"`; Keras 3: `{"class_name": "__lambda__",
// "config": {"code": base64}}`), `module`/`registered_name` references import code from outside Keras, a function
// reference may name a known Keras gadget (`get_file` downloads), and TorchModuleWrapper carries a torch.save pickle.
// Walked iteratively with JSON paths; nothing is decoded beyond base64 and marshal string constants.

import builtinFunctions from './data/keras-builtin-functions.json' with { type: 'json' };

export type KerasSignal =
  | {
      readonly kind: 'lambda-bytecode';
      readonly path: string;
      readonly layer: string;
      /** Bytes of marshalled code. */
      readonly codeBytes: number;
      /** Names and string constants read from the marshal data (co_names, co_consts). */
      readonly strings: readonly string[];
      /** The bytes start like a marshalled code object (TYPE_CODE); false for source text and other encodings. */
      readonly codeObject: boolean;
    }
  | {
      readonly kind: 'lambda-function';
      readonly path: string;
      readonly layer: string;
      readonly function: string;
      /** The name resolves inside Keras (a Keras module, or a registered name looked up without an import). */
      readonly inKeras: boolean;
    }
  | {
      readonly kind: 'custom-object';
      readonly path: string;
      readonly module: string;
      readonly className: string;
      readonly registeredName?: string;
    }
  | {
      readonly kind: 'gadget';
      readonly path: string;
      readonly module: string;
      readonly name: string;
      readonly why: string;
    }
  | { readonly kind: 'torch-module'; readonly path: string; readonly payload: Uint8Array };

export interface KerasAnalysis {
  readonly signals: readonly KerasSignal[];
  readonly layers: number;
  /** The walk stopped at its node budget. */
  readonly truncated: boolean;
}

const MAX_NODES = 1_000_000;

/** Packages of the Keras team whose objects a Keras config names in the normal course. */
const KERAS_PACKAGES = [
  'keras',
  'tf_keras',
  'tensorflow.keras',
  'tensorflow.python.keras',
  'keras_hub',
  'keras_nlp',
  'keras_cv',
];

export function isKerasModule(module: string): boolean {
  return KERAS_PACKAGES.some((p) => module === p || module.startsWith(p + '.'));
}

/**
 * Names Keras 3 resolves among its own exports for a function reference whose module is `builtins`
 * (src/analyzers/model/data/keras-builtin-functions.json, read from every Keras 3 release's source by
 * scripts/data/derive-keras-builtin-functions.py). Keras writes a function it has no public path for (a loss or metric
 * passed to compile() as the function object) as `{"module": "builtins", "class_name": "function", "config": NAME,
 * "registered_name": "function"}`; serialization_lib._retrieve_class_or_fn reads such a reference by looking up
 * `keras.<M>.NAME` for M among its BUILTIN_MODULES (activations, constraints, initializers, losses, metrics,
 * optimizers, regularizers in every release) in the registry the keras_export decorator fills with each export's
 * first path. The table is the union over releases: none of its names is also a Python builtin, so no release turns
 * one into Python's own function (3.0.0 and 3.0.1, whose lookup never finds anything, fail to load it instead).
 *
 * After a miss, 3.0.0 - 3.8.0 import the module named (`builtins`) and return its attribute of that name, so `eval`,
 * `exec`, `open`, `getattr` or `__import__` come back as Python's own functions, whatever `safe_mode` says; from
 * 3.9.0 only the Keras-team packages are imported and any other name is a load error. A name outside the table is
 * therefore a function from outside Keras, reported as now.
 */
const KERAS_BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(builtinFunctions.names));

/** A Keras 3 function reference (`module`, `config` name) that the loader resolves inside Keras. */
export function isKerasFunction(module: string, name: string): boolean {
  return isKerasModule(module) || (module === 'builtins' && KERAS_BUILTIN_FUNCTIONS.has(name));
}

/** Functions inside Keras that act on the outside world when a config names them (CVE-2025-8747 get_file). */
const KERAS_GADGET_FUNCTIONS: Readonly<Record<string, string>> = {
  get_file: 'keras.utils.get_file downloads a URL into a local path when the config is deserialised',
};

/** True for a JSON object that is a Keras model config (or a serialized Keras object). */
export function looksLikeKerasConfig(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (typeof o['class_name'] !== 'string' || typeof o['config'] !== 'object' || o['config'] === null) return false;
  const c = o['config'] as Record<string, unknown>;
  return Array.isArray(c['layers']) || typeof o['module'] === 'string' || 'keras_version' in o || 'build_config' in o;
}

/**
 * The bytes Keras's `func_load` hands to `marshal.loads` for a string: base64 when the text is ASCII and decodes,
 * else the text encoded `raw_unicode_escape` (how Keras 1 under Python 2 stored marshal output directly).
 */
function funcLoadBytes(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
  const decoded = ascii ? b64(s) : undefined;
  if (decoded !== undefined) return decoded;
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x100) out.push(c);
    else
      for (const b of Buffer.from(
        c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`,
        'latin1',
      ))
        out.push(b);
    if (out.length > 1 << 20) break;
  }
  return Uint8Array.from(out);
}

function codeFacts(code: Uint8Array): { codeBytes: number; strings: string[]; codeObject: boolean } {
  return { codeBytes: code.length, strings: marshalStrings(code), codeObject: ((code[0] ?? 0) & 0x7f) === 0x63 };
}

function b64(s: string): Uint8Array | undefined {
  const clean = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

/** String constants of a marshal stream (short ASCII, ASCII and unicode objects), at most 32, in order. */
export function marshalStrings(data: Uint8Array): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (s: string): void => {
    if (s.length >= 2 && !seen.has(s) && out.length < 32) {
      seen.add(s);
      out.push(s);
    }
  };
  for (let i = 0; i < data.length - 1; i++) {
    const t = data[i]! & 0x7f;
    if (t === 0x7a || t === 0x5a) {
      // TYPE_SHORT_ASCII(_INTERNED): 1-byte length.
      const n = data[i + 1]!;
      const s = data.subarray(i + 2, i + 2 + n);
      if (s.length === n && n > 0 && s.every((b) => b >= 0x20 && b < 0x7f)) {
        push(Buffer.from(s).toString('latin1'));
        i += 1 + n;
      }
    } else if ((t === 0x61 || t === 0x41 || t === 0x75 || t === 0x74) && i + 5 <= data.length) {
      // TYPE_ASCII(_INTERNED), TYPE_UNICODE, TYPE_INTERNED: 4-byte length.
      const n = data[i + 1]! | (data[i + 2]! << 8) | (data[i + 3]! << 16) | (data[i + 4]! << 24);
      if (n > 0 && n < 4096 && i + 5 + n <= data.length) {
        const s = data.subarray(i + 5, i + 5 + n);
        if (s.every((b) => b >= 0x20 && b < 0x7f)) {
          push(Buffer.from(s).toString('latin1'));
          i += 4 + n;
        }
      }
    }
  }
  return out;
}

function step(path: string, key: string | number): string {
  return typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_]\w*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;
}

/**
 * The layer's function fields (`function`, and `output_shape` which Keras also deserialises as code), in every
 * spelling a Keras loader accepts: Keras 2 `function_type: "lambda"` with `[code, defaults, closure]` or the code
 * string alone (`func_load` takes both: base64, or raw_unicode_escape text), Keras 3 `{"class_name": "__lambda__",
 * "config": {"code": ...}}`, and a function named for lookup (`function_type: "function"` with an optional
 * `module`, a Keras 3 name string, or a `{"class_name": "function", ...}` reference). `raw` values are data.
 */
function lambdaFields(layerPath: string, layer: string, cfg: Record<string, unknown>, out: KerasSignal[]): void {
  for (const field of ['function', 'output_shape']) {
    const v = cfg[field];
    const typeKey = field === 'function' ? 'function_type' : 'output_shape_type';
    const moduleKey = field === 'function' ? 'module' : 'output_shape_module';
    const type = cfg[typeKey];
    const path = step(step(layerPath, 'config'), field);
    const codeText = Array.isArray(v) && typeof v[0] === 'string' ? v[0] : typeof v === 'string' ? v : undefined;
    if (codeText !== undefined && type === 'lambda') {
      const code = funcLoadBytes(codeText);
      out.push({ kind: 'lambda-bytecode', path, layer, ...codeFacts(code) });
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (o['class_name'] === '__lambda__') {
        // Reported by the walk, which finds a `__lambda__` object wherever it sits.
      } else if (o['class_name'] === 'function' && typeof o['config'] === 'string') {
        // A function reference: one outside Keras is also a custom object (the walk reports its import).
        const module = typeof o['module'] === 'string' ? o['module'] : '';
        out.push({
          kind: 'lambda-function',
          path,
          layer,
          function: module ? `${module}.${o['config']}` : o['config'],
          inKeras: module === '' || isKerasFunction(module, o['config']),
        });
      }
    } else if (field === 'function' && typeof v === 'string' && (type === 'function' || type === undefined)) {
      const module = typeof cfg[moduleKey] === 'string' ? (cfg[moduleKey] as string) : '';
      out.push({
        kind: 'lambda-function',
        path,
        layer,
        function: module ? `${module}.${v}` : v,
        inKeras: module === '' || isKerasModule(module),
      });
    }
  }
}

/**
 * A Keras 3 `{"class_name": "__lambda__", "config": ...}` object, wherever it sits: a Lambda layer's `function` or
 * `output_shape` (`config.code`, with `defaults` and `closure` beside it) and any other place Keras deserialises a
 * Python lambda (an activation, an initializer, a loss, a metric: `config.value`, the `[code, defaults, closure]` list
 * `func_dump` writes, or the code string alone). Keras hands either to `func_load`, which unmarshals the code.
 */
function lambdaObject(path: string, layer: string, cfg: Record<string, unknown> | undefined, out: KerasSignal[]): void {
  if (!cfg) return;
  for (const key of ['code', 'value']) {
    const v = cfg[key];
    const text = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
    if (text === undefined) continue;
    out.push({
      kind: 'lambda-bytecode',
      path: step(step(path, 'config'), key),
      layer,
      ...codeFacts(funcLoadBytes(text)),
    });
  }
}

/** `Lambda`, and the qualified spellings a registered name can take (`keras.layers.Lambda`, `Custom>Lambda`). */
function isLambdaClass(className: string | undefined): boolean {
  return className !== undefined && /(?:^|[.>])Lambda$/.test(className);
}

/** Walks a parsed Keras config (any JSON value) and lists what would run code at load time. */
export function analyzeKerasConfig(root: unknown, rootPath = '$'): KerasAnalysis {
  const out: KerasSignal[] = [];
  let layers = 0;
  let nodes = 0;
  // `layer`: the name of the nearest enclosing object that has one (a layer, or the model).
  const stack: { v: unknown; path: string; layer: string }[] = [{ v: root, path: rootPath, layer: '' }];
  while (stack.length) {
    if (++nodes > MAX_NODES) return { signals: out, layers, truncated: true };
    const { v, path, layer: outer } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: step(path, i), layer: outer });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    const className = typeof o['class_name'] === 'string' ? o['class_name'] : undefined;
    const cfg =
      typeof o['config'] === 'object' && o['config'] !== null ? (o['config'] as Record<string, unknown>) : undefined;
    const module = typeof o['module'] === 'string' ? o['module'] : undefined;
    const registered = typeof o['registered_name'] === 'string' ? o['registered_name'] : undefined;
    if (className !== undefined && /\.layers\[\d+\]$/.test(path)) layers++;
    const layer = cfg && typeof cfg['name'] === 'string' && className !== undefined ? cfg['name'] : outer;
    if (className === '__lambda__') lambdaObject(path, layer || 'lambda', cfg, out);
    if (isLambdaClass(className) && cfg) {
      lambdaFields(path, String(cfg['name'] ?? 'lambda'), cfg, out);
    } else if (className === 'TorchModuleWrapper' && cfg && typeof cfg['module'] === 'string') {
      const payload = b64(cfg['module']);
      if (payload) out.push({ kind: 'torch-module', path: step(step(path, 'config'), 'module'), payload });
    }
    if (className === 'function' && typeof o['config'] === 'string' && module !== undefined) {
      const why = KERAS_GADGET_FUNCTIONS[o['config']];
      if (why && isKerasModule(module)) out.push({ kind: 'gadget', path, module, name: o['config'], why });
    }
    if (className === 'function' && typeof o['config'] === 'string') {
      // A function reference ({module, class_name: "function", config: name}): importing it runs the module.
      if (module !== undefined && !isKerasFunction(module, o['config']))
        out.push({ kind: 'custom-object', path, module, className: o['config'], registeredName: 'function' });
    } else if (className !== undefined && className !== '__lambda__') {
      // Keras imports only when `module` is set (serialization_lib: `if module: importlib.import_module(module)`);
      // without it (absent or null) a `registered_name` is looked up among objects already registered, never
      // imported.
      if (module !== undefined && module !== '' && !isKerasModule(module))
        out.push({
          kind: 'custom-object',
          path,
          module,
          className,
          ...(registered ? { registeredName: registered } : {}),
        });
    }
    const keys = Object.keys(o);
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ v: o[keys[i]!], path: step(path, keys[i]!), layer });
  }
  return { signals: out, layers, truncated: false };
}
