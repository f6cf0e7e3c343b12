// Raw pickles and joblib dumps as pickle.load / joblib.load read them: the first pickle's value, with joblib's
// NumpyArrayWrapper arrays read from the bytes that follow each wrapper in the stream. Compressed joblib dumps are
// decompressed in memory first (under the entry limit), the way joblib opens them.
import type { Limits } from '../../core/limits.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { TensorInput } from './input.js';
import { pickleValue } from './pickle-value.js';
import { buildTree } from './rebuild.js';

const JOBLIB_LOADER = { persistentLoad: false, joblibArrays: true } as const;

export function readPickle(src: ByteSource, limits: Limits, notes: readonly string[] = []): TensorInput {
  const { value, run } = pickleValue(src, 0, JOBLIB_LOADER, limits, 'the pickle');
  const joblib = run.imports.some((i) => i.importedName === 'NumpyArrayWrapper');
  const out = [...notes];
  if (run.end < src.size)
    out.push(`${src.size - run.end} byte(s) after the first pickle are not read (pickle.load stops there)`);
  return {
    format: joblib ? 'joblib' : 'pickle',
    framework: 'np',
    root: buildTree(value, { src }),
    notes: out,
  };
}
