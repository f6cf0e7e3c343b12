// Broadcasting element-wise operators in TorchScript code run at load. An element-wise operator of two or more tensor
// operands (`torch.add(a, b)`, `a * b`, `torch.where(c, a, b)`, a comparison, `torch.maximum`, `torch.pow` …)
// broadcasts them: operands shaped [n, 1] and [1, n] make n x n elements, so two stored vectors of 2^16 floats
// (512 KiB) make 2^32 (16 GiB). Its output is therefore charged as the product of its operands' sizes (as `outer` or
// `kron` are), unless the code proves it smaller: every operand but one is a number, a string or a list (no tensor
// dimensions); the tensor operands are one and the same value; or their shapes are constants, whose broadcast shape
// is computed. `broadcast_tensors` and `meshgrid` make every one of their outputs the broadcast (or product) shape of
// all their operands. In-place forms (`add_`, `mul_`, `a += b`) write into their first operand, whose shape torch
// requires the broadcast shape to equal (it raises otherwise): they make nothing larger than that operand.

/**
 * Operators (aten names, without the in-place `_` forms) whose tensor operands broadcast together into one output,
 * or, for `broadcast_tensors` and `meshgrid`, into outputs of the common (product) shape.
 */
export const BROADCASTING = new RegExp(
  '^aten::(?:' +
    [
      // arithmetic
      'add|sub|subtract|rsub|mul|multiply|div|divide|true_divide|floor_divide|remainder|fmod|pow|float_power',
      'atan2|arctan2|hypot|copysign|nextafter|ldexp|xlogy|special_xlogy|special_xlog1py|special_zeta|logaddexp',
      'logaddexp2|heaviside|igamma|igammac|special_gammainc|special_gammaincc|gcd|lcm|polar|complex|lerp',
      'addcmul|addcdiv|clamp|clip|maximum|minimum|max|min|fmax|fmin|where|masked_fill|masked_scatter|isclose',
      // comparisons
      'eq|ne|lt|le|gt|ge|greater|greater_equal|less|less_equal|not_equal',
      // logical and bitwise
      'logical_and|logical_or|logical_xor|bitwise_and|bitwise_or|bitwise_xor|bitwise_left_shift|bitwise_right_shift',
      '__and__|__or__|__xor__|__lshift__|__rshift__',
      // the operator methods the printer or hand-written code may name
      '__add__|__radd__|__sub__|__rsub__|__mul__|__rmul__|__truediv__|__rtruediv__|__pow__|__rpow__',
      '__eq__|__ne__|__lt__|__le__|__gt__|__ge__',
      // several outputs of the common shape
      'broadcast_tensors|meshgrid',
    ].join('|') +
    ')$',
);

/** Operators whose single list operand holds the tensors that broadcast (`torch.broadcast_tensors([a, b])`). */
export const LIST_OPERANDS = /^aten::(?:broadcast_tensors|meshgrid)$/;

/** The infix operators that compile to a broadcasting operator on tensors. */
export const BROADCASTING_INFIX: ReadonlySet<string> = new Set([
  '+',
  '-',
  '*',
  '/',
  '**',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
]);

/** What the code proves of an operand's size. */
export type OperandSize =
  /** Not a tensor: a number, a string, a list (no dimensions to broadcast). */
  | { readonly kind: 'flat' }
  /** A tensor of constant dimensions (a constant-shape construction). */
  | { readonly kind: 'dims'; readonly dims: readonly number[] }
  /** A tensor of a constant number of elements whose dimensions are not read. */
  | { readonly kind: 'elements'; readonly elements: number }
  /** A tensor (or a value that may be one) whose size the archive or the load chooses; `key` names the value. */
  | { readonly kind: 'unknown'; readonly key: string };

/** The elements two or more constant shapes broadcast to (right-aligned, a dimension of 1 stretched). */
export function broadcastElements(shapes: readonly (readonly number[])[]): number {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  let n = 1;
  for (let i = 1; i <= rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s.length - i >= 0 ? s[s.length - i]! : 1;
      // Unequal dimensions other than 1 make torch raise; the larger is counted all the same.
      d = Math.max(d, v);
    }
    n *= d;
  }
  return n;
}

/**
 * What a broadcasting call's operands prove about its output: 'bounded' with the elements its constant shapes make
 * (or undefined when one operand's size is not constant but every other is at most `perStored` elements together,
 * so the output is at most that many times the one), or 'product' when two or more operands of sizes the archive or
 * the load chooses meet (the output can be the product of their sizes).
 */
export function broadcastVerdict(
  operands: readonly OperandSize[],
  perStored: number,
): { kind: 'bounded'; elements?: number } | { kind: 'product'; unknown: number; fixed: number } {
  const tensors = operands.filter((o) => o.kind !== 'flat');
  if (tensors.length <= 1) return { kind: 'bounded' };
  const unknown = tensors.filter((o) => o.kind === 'unknown');
  const keys = new Set(unknown.map((o) => (o.kind === 'unknown' ? o.key : '')));
  const known = tensors.filter((o) => o.kind !== 'unknown');
  const fixed = known.reduce(
    (p, o) =>
      p *
      (o.kind === 'dims'
        ? o.dims.reduce((q, d) => q * Math.max(d, 1), 1)
        : o.kind === 'elements'
          ? Math.max(o.elements, 1)
          : 1),
    1,
  );
  if (unknown.length === 0) {
    if (known.every((o) => o.kind === 'dims'))
      return { kind: 'bounded', elements: broadcastElements(known.map((o) => (o.kind === 'dims' ? o.dims : []))) };
    return { kind: 'bounded', elements: fixed };
  }
  // The same value met again broadcasts with itself into its own shape.
  if (keys.size === 1 && fixed <= perStored) return { kind: 'bounded' };
  return { kind: 'product', unknown: keys.size, fixed };
}
