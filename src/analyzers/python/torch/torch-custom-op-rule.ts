// TORCH-SCRIPT-CUSTOM-OP: operator and custom-class namespaces outside PyTorch's own (`torch.ops.<ns>.<op>`,
// `torch.classes.<ns>.<Class>`, TorchScript's `ops.<ns>.<op>` / `__torch__.torch.classes...`), native-library
// loads (torch.ops.load_library, ctypes, cpp_extension) and string literals naming shared libraries.
import { lowerConfidence, signalAt, type CodeSignal, type Confidence, type TorchFileKind } from '../code-signal.js';
import type { PythonModule, SourceSpan } from '../module-model.js';
import { CTYPES_LIBRARY_LOADERS, LIBRARY_LOAD_APIS } from './torch-apis.js';
import { callTargets, importsTorch, normaliseName } from './torch-call-targets.js';
import { ecosystemPackage, isBuiltinClassNamespace, isBuiltinOpNamespace } from './torch-namespaces.js';

/** Members of torch.ops / torch.classes that are not namespaces. */
const NON_NAMESPACE_MEMBERS: ReadonlySet<string> = new Set(['load_library', 'loaded_libraries', 'import_module']);
/** torch.library entry points that define operators in Python, with the argument naming the namespace. */
const PY_OP_DEFINERS: ReadonlySet<string> = new Set([
  'torch.library.Library',
  'torch.library.define',
  'torch.library.custom_op',
  'torch.library._scoped_library',
  'torch.library.triton_op',
]);
const SHARED_LIBRARY_SUFFIXES = ['.so', '.dll', '.dylib', '.pyd'];
const MAX_LINES = 20;

interface Occurrence {
  kind: 'op' | 'class';
  namespace: string;
  members: string[];
  span: SourceSpan;
  snippet: string;
  lines: number[];
}

interface Reference {
  name: string;
  span: SourceSpan;
  snippet: string;
}

/** True for `libfoo.so`, `libfoo.so.1.2`, `foo.dll`, `x.dylib`, `ext.pyd` (no whitespace, not a sentence). */
export function namesSharedLibrary(value: string): boolean {
  if (value.length < 4 || value.length > 1024) return false;
  for (const ch of value) if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') return false;
  const lower = value.toLowerCase();
  if (SHARED_LIBRARY_SUFFIXES.some((s) => lower.endsWith(s) && lower.length > s.length)) return true;
  const at = lower.lastIndexOf('.so.');
  if (at <= 0) return false;
  const rest = lower.slice(at + 4);
  if (rest.length === 0 || rest.startsWith('.') || rest.endsWith('.')) return false;
  for (const ch of rest) if (!((ch >= '0' && ch <= '9') || ch === '.')) return false;
  return true;
}

function splitTorchName(q: string): { kind: 'op' | 'class'; namespace: string; member: string } | undefined {
  const parts = q.split('.');
  if (parts[0] !== 'torch' || (parts[1] !== 'ops' && parts[1] !== 'classes')) return undefined;
  const ns = parts[2];
  if (ns === undefined || ns.length === 0 || ns.startsWith('__') || NON_NAMESPACE_MEMBERS.has(ns)) return undefined;
  if (ns.endsWith('()')) return undefined;
  const raw = parts[3] ?? '*';
  const member = raw.endsWith('()') ? raw.slice(0, -2) : raw;
  return { kind: parts[1] === 'ops' ? 'op' : 'class', namespace: ns, member };
}

export function detectCustomOps(mod: PythonModule, fileKind: TorchFileKind): CodeSignal[] {
  const out: CodeSignal[] = [];
  const torchFile = fileKind === 'torchscript' || importsTorch(mod);

  // Namespaces this file defines in Python through torch.library (reviewable source, lower confidence).
  const definedHere = new Set<string>();
  for (const call of mod.calls) {
    if (!callTargets(call, fileKind).some((t) => PY_OP_DEFINERS.has(t.qualifiedName))) continue;
    const first = call.positional[0]?.constant;
    if (first?.type === 'str') definedHere.add(first.value.split('::')[0]!);
  }

  const references: Reference[] = [];
  const libraryCalls: SourceSpan[] = [];
  for (const call of mod.calls) {
    const targets = callTargets(call, fileKind);
    for (const t of targets) references.push({ name: t.qualifiedName, span: call.span, snippet: call.text });
    const lib = LIBRARY_LOAD_APIS.find((a) => targets.some((t) => t.qualifiedName === a.qualifiedName));
    const ctypesLib =
      lib === undefined ? targets.map((t) => ctypesAttributeLibrary(t.qualifiedName)).find((x) => x) : undefined;
    if (lib === undefined && ctypesLib === undefined) continue;
    libraryCalls.push(call.span);
    const pathArg = call.positional[0] ?? call.keywords.find((k) => k.name === 'path' || k.name === 'name')?.value;
    const path = ctypesLib ?? (pathArg?.constant?.type === 'str' ? pathArg.constant.value : undefined);
    let confidence: Confidence = lib?.confidence ?? 'medium';
    if ((lib?.generic ?? true) && !torchFile) confidence = lowerConfidence(confidence);
    const api = lib?.qualifiedName ?? 'ctypes.LibraryLoader';
    const reason = lib?.reason ?? `loads shared library '${ctypesLib}' on attribute access`;
    const details: CodeSignal['details'] = {
      kind: 'library-load',
      api,
      callee: call.callee.raw,
      pathKnown: path !== undefined,
    };
    if (path !== undefined) details.path = path;
    else if (pathArg !== undefined) details.pathExpression = pathArg.text;
    const target = path !== undefined ? ` '${path}'` : pathArg !== undefined ? ` ${pathArg.text}` : '';
    const message =
      `${call.callee.raw}(...)${target} ${reason}. Native code loaded this way runs with the loader's privileges and ` +
      'can register operators that TorchScript models call; inventory and sign it.';
    out.push(signalAt('TORCH-SCRIPT-CUSTOM-OP', call.span, call.text, message, confidence, details));
  }
  for (const ref of mod.attributeReferences) {
    const q = normaliseName(ref.qualifiedName, ref.resolution, fileKind);
    references.push({ name: q, span: ref.span, snippet: ref.raw });
    const lib = ctypesAttributeLibrary(q);
    if (lib !== undefined && ref.context === 'load') {
      libraryCalls.push(ref.span);
      const details: CodeSignal['details'] = {
        kind: 'library-load',
        api: 'ctypes.LibraryLoader',
        path: lib,
        pathKnown: true,
      };
      const message = `${ref.raw} loads shared library '${lib}' (ctypes.LibraryLoader attribute access).`;
      out.push(signalAt('TORCH-SCRIPT-CUSTOM-OP', ref.span, ref.raw, message, torchFile ? 'medium' : 'low', details));
    }
  }

  for (const o of groupByNamespace(references)) {
    const pkg = o.kind === 'op' ? ecosystemPackage(o.namespace) : undefined;
    const local = definedHere.has(o.namespace);
    const confidence: Confidence = pkg !== undefined || local ? 'low' : 'high';
    const named = o.members.filter((m) => m !== '*');
    const list = named.length > 0 ? named.join(', ') : '*';
    const what =
      o.kind === 'op'
        ? `operator namespace '${o.namespace}' (${named.map((m) => o.namespace + '::' + m).join(', ') || 'the namespace itself'})`
        : `custom-class namespace '${o.namespace}' (torch.classes.${o.namespace}.${list})`;
    let message =
      `References ${what}, which PyTorch does not register itself: it only resolves after a native library ` +
      'registered it, and that code runs when the model is loaded or called.';
    if (pkg !== undefined) message += ` '${o.namespace}' belongs to the ${pkg} package; confirm the pinned version.`;
    if (local) message += ` This file defines namespace '${o.namespace}' in Python with torch.library.`;
    const details: CodeSignal['details'] = {
      kind: o.kind === 'op' ? 'custom-op' : 'custom-class',
      namespace: o.namespace,
      member: named[0] ?? '*',
      members: named,
      qualifiedName: `torch.${o.kind === 'op' ? 'ops' : 'classes'}.${o.namespace}.${named[0] ?? '*'}`,
      occurrences: o.lines.length,
      lines: o.lines.map(String),
      definedInModule: local,
    };
    if (pkg !== undefined) details.package = pkg;
    out.push(signalAt('TORCH-SCRIPT-CUSTOM-OP', o.span, o.snippet, message, confidence, details));
  }

  for (const s of mod.strings) {
    if (s.value === null || s.isDocstring || !namesSharedLibrary(s.value)) continue;
    if (libraryCalls.some((c) => s.span.startIndex >= c.startIndex && s.span.endIndex <= c.endIndex)) continue;
    const details: CodeSignal['details'] = { kind: 'library-path-literal', path: s.value };
    const message = `String literal '${s.value}' names a native shared library; check whether and how it is loaded.`;
    out.push(signalAt('TORCH-SCRIPT-CUSTOM-OP', s.span, s.text, message, 'low', details));
  }
  return out;
}

/** Non-builtin torch.ops / torch.classes references grouped per namespace, first occurrence in source order. */
function groupByNamespace(references: Reference[]): Occurrence[] {
  const groups = new Map<string, Occurrence>();
  const sorted = [...references].sort((a, b) => a.span.startIndex - b.span.startIndex);
  for (const r of sorted) {
    const parsed = splitTorchName(r.name);
    if (parsed === undefined) continue;
    const builtin =
      parsed.kind === 'op' ? isBuiltinOpNamespace(parsed.namespace) : isBuiltinClassNamespace(parsed.namespace);
    if (builtin) continue;
    const key = parsed.kind + ':' + parsed.namespace;
    let g = groups.get(key);
    if (g === undefined) {
      g = { kind: parsed.kind, namespace: parsed.namespace, members: [], span: r.span, snippet: r.snippet, lines: [] };
      groups.set(key, g);
    }
    if (!g.members.includes(parsed.member)) g.members.push(parsed.member);
    if (g.lines.length < MAX_LINES && !g.lines.includes(r.span.line)) g.lines.push(r.span.line);
  }
  return [...groups.values()];
}

/** `ctypes.cdll.libfoo[...]` → `libfoo` (LibraryLoader.__getattr__ loads it); LoadLibrary itself is not a library. */
function ctypesAttributeLibrary(q: string): string | undefined {
  for (const prefix of CTYPES_LIBRARY_LOADERS) {
    if (!q.startsWith(prefix + '.')) continue;
    const name = q.slice(prefix.length + 1).split('.')[0]!;
    if (name === 'LoadLibrary' || name.length === 0 || name.startsWith('_')) return undefined;
    return name.endsWith('()') ? name.slice(0, -2) : name;
  }
  return undefined;
}
