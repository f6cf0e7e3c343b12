// Which tensors of a checkpoint become the safetensors file: `--select PREFIX` keeps the tensors whose dotted name
// is PREFIX or starts with `PREFIX.` (and strips that prefix); without it, the subtree a user would load into a
// model — the first of the usual training-checkpoint keys that holds tensors, else the only top-level entry that
// holds tensors, else everything.
import type { FlatTensor } from '../analyzers/tensors/flatten.js';
import type { Node } from '../analyzers/tensors/tree.js';

/** Keys training code uses for the model weights, in the order they are preferred. */
export const WEIGHT_KEYS = [
  'state_dict',
  'model_state_dict',
  'model',
  'module',
  'net',
  'network',
  'weights',
  'params',
  'model_ema',
  'ema',
] as const;

export interface Selection {
  /** '' keeps every tensor with its full name. */
  readonly prefix: string;
  readonly how: 'select' | 'default';
  /** One sentence for the report. */
  readonly reason: string;
}

function holdsTensors(n: Node): boolean {
  if (n.t === 'tensor') return true;
  if (n.t === 'map') return n.entries.some(([, c]) => holdsTensors(c)) || n.attrs.some(([, c]) => holdsTensors(c));
  if (n.t === 'seq') return n.items.some(holdsTensors);
  return false;
}

export function defaultSelection(root: Node): Selection {
  if (root.t === 'map') {
    const holding = root.entries.filter(([, c]) => c.t !== 'tensor' && holdsTensors(c));
    const tensorsAtTop = root.entries.some(([, c]) => c.t === 'tensor');
    if (!tensorsAtTop) {
      for (const key of WEIGHT_KEYS) {
        const hit = holding.find(([k]) => k === key);
        if (hit)
          return {
            prefix: key,
            how: 'default',
            reason: `the model weights under "${key}" (a training checkpoint's usual key); --select '' keeps every tensor`,
          };
      }
      if (holding.length === 1 && holding[0]![1].t === 'map') {
        const key = holding[0]![0];
        return {
          prefix: key,
          how: 'default',
          reason: `"${key}", the only entry that holds tensors; --select '' keeps the full names`,
        };
      }
    }
  }
  return { prefix: '', how: 'default', reason: 'every tensor in the file, named by its full key path' };
}

export function explicitSelection(prefix: string): Selection {
  return {
    prefix,
    how: 'select',
    reason: prefix === '' ? "--select '': every tensor, full names" : `--select ${JSON.stringify(prefix)}`,
  };
}

/** The output name of a tensor under a selection, or undefined when the selection does not keep it. */
export function selectedName(t: FlatTensor, s: Selection): string | undefined {
  if (s.prefix === '') return t.name;
  if (t.name === s.prefix) return t.name.slice(t.name.lastIndexOf('.') + 1);
  if (t.name.startsWith(s.prefix + '.')) return t.name.slice(s.prefix.length + 1);
  return undefined;
}
