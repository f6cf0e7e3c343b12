// An independent safetensors reader for tests (header JSON + offsets), with the layout checks the reference writer
// guarantees: header length a multiple of 8 padded with spaces, offsets contiguous from 0 in (dtype alignment
// descending, name) order, no gaps, in bounds, byte spans equal to shape × element size.
import { createHash } from 'node:crypto';

const SIZES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};
const ORDER = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
];

export interface ReadTensor {
  dtype: string;
  shape: number[];
  bytes: Buffer;
  sha256: string;
}

export function readSafetensors(file: Buffer): {
  tensors: Map<string, ReadTensor>;
  metadata: Record<string, string> | undefined;
  order: string[];
  problems: string[];
} {
  const problems: string[] = [];
  const n = Number(file.readBigUInt64LE(0));
  if (n % 8 !== 0) problems.push(`header length ${n} is not a multiple of 8`);
  const text = file.subarray(8, 8 + n).toString('utf8');
  const trimmed = text.replace(/ +$/, '');
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}') || text.length - trimmed.length >= 8)
    problems.push('header does not start with { or is not padded with fewer than 8 spaces');
  const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const metadata = header['__metadata__'] as unknown as Record<string, string> | undefined;
  delete header['__metadata__'];
  const order = Object.keys(header);
  const sorted = [...order].sort(
    (a, b) =>
      ORDER.indexOf(header[b]!.dtype) - ORDER.indexOf(header[a]!.dtype) ||
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  if (sorted.join('\0') !== order.join('\0'))
    problems.push('tensors are not in (dtype alignment descending, name) order');
  const body = file.subarray(8 + n);
  let pos = 0;
  const tensors = new Map<string, ReadTensor>();
  for (const name of order) {
    const t = header[name]!;
    const [s, e] = t.data_offsets;
    const size = SIZES[t.dtype];
    if (size === undefined) problems.push(`${name}: unknown dtype ${t.dtype}`);
    if (s !== pos) problems.push(`${name}: starts at ${s}, previous ended at ${pos}`);
    if (e - s !== t.shape.reduce((a, b) => a * b, 1) * (size ?? 0)) problems.push(`${name}: span != shape x dtype`);
    if (e > body.length) problems.push(`${name}: out of bounds`);
    if (size && s % size !== 0) problems.push(`${name}: misaligned`);
    const bytes = body.subarray(s, e);
    tensors.set(name, {
      dtype: t.dtype,
      shape: t.shape,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    pos = e;
  }
  if (pos !== body.length) problems.push(`data ends at ${pos} of ${body.length}`);
  return { tensors, metadata, order, problems };
}
