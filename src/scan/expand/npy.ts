// NumPy .npy files (also the members of .npz archives): object arrays are a pickle after the header, which
// np.load(allow_pickle=True) hands to pickle.load; numeric arrays are raw data and hold nothing to execute.
import { readNpyHeader, looksLikeNpy } from '../../formats/npy/header.js';
import type { Expander } from './context.js';

export const npyExpander: Expander = {
  id: 'npy',
  detect: (head) => looksLikeNpy(head),
  async expand(src, ctx) {
    const h = readNpyHeader(src);
    ctx.format(`npy ${h.version}`);
    const anomalies = h.problems.map((message) => ({ code: 'NPY_HEADER', message, offset: 0 }));
    if (h.hasObject) {
      await ctx.analyzePickle(src, h.dataOffset, src.size, { persistentLoad: false, joblibArrays: false }, 'numpy');
    }
    if (anomalies.length) ctx.container({ location: src.location, format: 'npy', anomalies });
    return true;
  },
};
