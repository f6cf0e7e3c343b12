// Native prepack calls a __setstate__ makes with numbers its state sets. torch's quantized convolution modules
// (torch.ao.nn.quantized's and its dynamic variant's Conv1d/2d/3d and ConvTranspose1d/2d/3d, the intrinsic ConvReLU
// classes: every class whose __setstate__ is _ConvNd.__setstate__) write a 15-item tuple state (in_channels,
// out_channels, kernel_size, stride, padding, dilation, transposed, output_padding, groups, padding_mode, weight,
// bias, scale, zero_point, training). The hook sets the attributes from the items, then set_weight_bias hands the
// weight to quantized::conv*_prepack / conv_transpose*_prepack with the stride, padding, output padding, dilation and
// groups it just set: native code that divides by the stride and the groups, so a zero there kills the loading
// process (SIGFPE). The library writes positive strides, dilations and groups and non-negative paddings, as tuples of
// ints; a BUILD of such a class is admitted only with that shape, and any other state (another length, a list or a
// dict, a value the analysis cannot read, a zero, a negative or an outsized number) is reported.
import { setstateOf } from './callable-effects.js';
import { K, type PyVal } from './values.js';

/** The __setstate__ whose state reaches native prepack code. */
const CONV_SETSTATE = 'torch.ao.nn.quantized.modules.conv._ConvNd.__setstate__';
/** The length of the state tuple the library writes (the hook reads items 0 to 14). */
const CONV_STATE_LENGTH = 15;
/** A value past which a stride, padding, dilation or group count is outside what any library layer writes. */
const MAX_CONV_NUMBER = 2n ** 31n - 1n;

/** [index, name, least value] of the items the hook passes to the prepack call. */
const CONV_NUMBERS: readonly (readonly [number, string, bigint, boolean])[] = [
  [3, 'stride', 1n, true],
  [4, 'padding', 0n, true],
  [5, 'dilation', 1n, true],
  [7, 'output_padding', 0n, true],
  [8, 'groups', 1n, false],
];

/** The state index torch writes each of the prepack call's stored arguments at, by argument name. */
export const CONV_STATE_INDEX: ReadonlyMap<string, number> = new Map(CONV_NUMBERS.map(([i, name]) => [name, i]));

/**
 * The prefix TorchScript gives the classes it compiles into an archive: `__torch__.torch.ao.nn.quantized.modules.conv.
 * Conv2d` is torch's quantized Conv2d scripted, whose compiled __setstate__ (code/ in the archive) reads the same
 * 15-item state and hands the same items to quantized::conv2d_prepack when torch.jit.load (or torch.load with
 * weights_only=True, which hands a TorchScript archive to it) builds the object.
 */
const TORCHSCRIPT_PREFIX = '__torch__.';
/**
 * A component TorchScript inserts before a class name when one process compiles a second class of the same qualified
 * name (`__torch__.torch.ao.nn.quantized.modules.conv.___torch_mangle_0.Conv2d`: a second Conv2d with other attribute
 * types); the class is still torch's, compiled from the same source.
 */
const TORCHSCRIPT_MANGLE = /\.___torch_mangle_\d+(?=\.)/g;

/** Whether class `canonical`'s __setstate__ hands its state's numbers to native prepack code. */
export function prepacksState(canonical: string): boolean {
  const name = canonical.startsWith(TORCHSCRIPT_PREFIX)
    ? canonical
        .slice(TORCHSCRIPT_PREFIX.length - 1)
        .replace(TORCHSCRIPT_MANGLE, '')
        .slice(1)
    : canonical;
  return setstateOf(name)?.startsWith(CONV_SETSTATE) === true;
}

function intIn(v: PyVal, least: bigint): boolean {
  if (typeof v !== 'number' && typeof v !== 'bigint') return false;
  if (typeof v === 'number' && !Number.isInteger(v)) return false;
  const n = BigInt(v);
  return n >= least && n <= MAX_CONV_NUMBER;
}

/** Why `state` given to the __setstate__ of `canonical` may make its native prepack call fault, or undefined. */
export function prepackStateProblem(canonical: string, state: PyVal): string | undefined {
  if (!prepacksState(canonical)) return undefined;
  const hook = `${CONV_SETSTATE} (set_weight_bias → quantized conv prepack)`;
  if (typeof state !== 'object' || state.k !== K.Tuple || state.more > 0 || state.items.length !== CONV_STATE_LENGTH)
    return (
      `${hook} passes the state's stride, padding, dilation and groups to native code that divides by them; the ` +
      `library writes a ${CONV_STATE_LENGTH}-item tuple, this state is not one the analysis can read as such`
    );
  for (const [i, name, least, tuple] of CONV_NUMBERS) {
    const v = state.items[i]!;
    const ok = tuple
      ? typeof v === 'object' &&
        v.k === K.Tuple &&
        v.more === 0 &&
        v.items.length > 0 &&
        v.items.every((x) => intIn(x, least))
      : intIn(v, least);
    if (!ok)
      return (
        `${hook} passes ${name} (state item ${i}) to native code that divides by the stride and the groups ` +
        `(a zero kills the process with SIGFPE); the library writes ${tuple ? 'a tuple of ints' : 'an int'} of at ` +
        `least ${least}, this state does not`
      );
  }
  return undefined;
}
