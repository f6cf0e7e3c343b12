// Python source: `.py` files (and `#!…python` scripts) are analysed for TORCH code rules; `hubconf.py` is reviewed
// as torch.hub runs it. The bytes are then offered to the other expanders too (returns false): a pickle named
// `x.py` is still a pickle.
import { innermostName } from '../../core/location.js';
import type { Expander } from './context.js';

const PY_NAME = /\.(py|pyw|pyi)$/i;

function isPythonName(name: string): boolean {
  return PY_NAME.test(name);
}

function hasPythonShebang(head: Uint8Array): boolean {
  if (head[0] !== 0x23 || head[1] !== 0x21) return false;
  const nl = head.indexOf(0x0a);
  const line = new TextDecoder('latin1').decode(head.subarray(0, nl < 0 ? Math.min(head.length, 128) : nl));
  return /python/.test(line);
}

export const pythonExpander: Expander = {
  id: 'python',
  detect: (head, src) => isPythonName(innermostName(src.location)) || hasPythonShebang(head),
  async expand(src, ctx) {
    const name = innermostName(src.location);
    ctx.format('python');
    await ctx.code(src, name === 'hubconf.py' ? 'hubconf' : 'python');
    return false;
  },
};
