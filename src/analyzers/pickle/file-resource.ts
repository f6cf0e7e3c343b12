// sklearn-crfsuite's FileResource (the model file of a fitted CRF, the sklearn-crfsuite history pack) rebuilds itself
// on unpickling with a __setstate__ that writes a file: it pops '__FILE_RESOURCE_DATA__' (the model file's bytes),
// updates the instance __dict__ with the rest of the state and, when bytes were embedded, asserts that `name` is None,
// makes a file with tempfile.mkstemp(self.suffix, self.prefix) and writes the bytes to it. Its __del__ (cleanup) closes
// self.fd and unlinks self.name when the resource is automatic and its files are not kept. Every released version
// writes one shape: a dict of its own attributes (name None for an automatic resource, auto, keep_tempfiles, suffix,
// prefix, fd) plus the bytes. The pack admits the class in that shape only (HistoryCheck 'file-resource'): then the
// load writes one file of the stream's bytes under a random name in the system's temporary folder. Any other state —
// a suffix or prefix that is not short literal text or holds a path separator (mkstemp joins it to the temporary
// folder, so '/x' or '../x' puts the bytes anywhere), a name with an automatic resource (cleanup would unlink it), a
// truth value that is not a literal bool (its __bool__ would run), a key the class does not define (an instance
// attribute shadowing cleanup, which __del__ calls), keys or data the analysis did not keep — is reported.
import { K, type PyVal } from './values.js';

/** The keys FileResource's __getstate__ writes (its attributes and the embedded data). */
const KEYS = new Set(['name', 'auto', 'keep_tempfiles', 'suffix', 'prefix', 'fd', '__FILE_RESOURCE_DATA__']);
/** The longest suffix or prefix admitted (sklearn-crfsuite writes '.crfsuite' and 'model' or the empty string). */
const MAX_AFFIX = 64;

function literalBool(v: PyVal | undefined): boolean {
  return typeof v === 'object' && (v.k === K.True || v.k === K.False);
}

function affixProblem(key: string, v: PyVal): string | undefined {
  if (typeof v === 'object' && v.k === K.None) return undefined; // mkstemp's own default
  if (typeof v !== 'string') return `'${key}' is not short literal text`;
  if (v.length > MAX_AFFIX) return `'${key}' is longer than ${MAX_AFFIX} characters`;
  if (/[/\\\0]/.test(v))
    return `'${key}' holds a path separator or a NUL (mkstemp would put the file outside the temporary folder)`;
  return undefined;
}

/**
 * Why `state`, given to a BUILD of a FileResource, is not the state sklearn-crfsuite writes, or undefined. Unknown,
 * computed or truncated state counts.
 */
export function fileResourceStateProblem(state: PyVal): string | undefined {
  if (typeof state !== 'object' || state.k !== K.Dict) return 'the state is not a plain dict';
  if (state.opaque === true || state.n > state.keys.length) return 'the state has entries the analysis did not keep';
  const vals = new Map<string, PyVal>();
  for (let i = 0; i < state.keys.length; i++) {
    const key = state.keys[i]!;
    if (typeof key !== 'string') return 'a state key is not literal text';
    if (!KEYS.has(key))
      return `the state sets '${key}', which FileResource does not define (an instance attribute its methods would find first)`;
    vals.set(key, state.vals[i]!);
  }
  if (!vals.has('auto') || !vals.has('name'))
    return "the state lacks 'auto' or 'name' (what an earlier state set would decide what __del__ unlinks)";
  const auto = vals.get('auto');
  if (!literalBool(auto)) return "'auto' is not a literal bool (its truth value would run code)";
  if (vals.has('keep_tempfiles') && !literalBool(vals.get('keep_tempfiles')))
    return "'keep_tempfiles' is not a literal bool (its truth value would run code)";
  const name = vals.get('name')!;
  const isNone = typeof name === 'object' && name.k === K.None;
  if ((auto as { k: K }).k === K.True) {
    if (!isNone) return "'name' is set on an automatic resource (its __del__ would unlink that path)";
  } else if (
    !isNone &&
    typeof name !== 'string' &&
    !(typeof name === 'object' && name.k === K.Str && name.lost !== true)
  )
    return "'name' is neither None nor text";
  for (const key of ['suffix', 'prefix']) {
    const v = vals.get(key);
    if (v === undefined) continue;
    const p = affixProblem(key, v);
    if (p !== undefined) return p;
  }
  const fd = vals.get('fd');
  if (fd !== undefined && typeof fd !== 'number' && !(typeof fd === 'object' && fd.k === K.None))
    return "'fd' is not a small integer";
  const data = vals.get('__FILE_RESOURCE_DATA__');
  if (data !== undefined) {
    if (typeof data !== 'object' || (data.k !== K.Bytes && data.k !== K.ByteArray && data.k !== K.None))
      return 'the embedded file data is not bytes (the hook writes it with f.write)';
  }
  return undefined;
}
