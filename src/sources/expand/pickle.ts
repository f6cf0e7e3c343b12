// Raw pickle streams (any file or entry whose bytes are a pickle, whatever its name): every stacked pickle,
// read with plain pickle.load semantics (no persistent_load). joblib's inline arrays are honoured when a
// NumpyArrayWrapper appears, because joblib.load is the loader such a stream is written for.
import { probePickle } from '../../analyzers/pickle/analyze.js';
import type { Expander } from './context.js';

export const PLAIN_PICKLE = { persistentLoad: false, joblibArrays: true } as const;

export const pickleExpander: Expander = {
  id: 'pickle',
  detect: () => true,
  async expand(src, ctx) {
    const probe = probePickle(src, 0, src.size, {
      limits: ctx.limits,
      loader: PLAIN_PICKLE,
      deadline: ctx.deadline,
    });
    if (!probe) return;
    ctx.format('pickle');
    await ctx.analyzePickle(src, 0, src.size, PLAIN_PICKLE, 'pickle', probe.cleanRun);
  },
};
