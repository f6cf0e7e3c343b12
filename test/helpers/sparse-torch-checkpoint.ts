// A ~5 GB torch checkpoint written as a SPARSE file (its storage records are holes, so it costs no disk and seconds
// to write), laid out as torch.save lays a zip64 checkpoint out and as the remote bench writes its own: a GPT-2-XL-
// shaped state dict of float32 tensors (layers trimmed to ~5 GB), data.pkl first (protocol 2, _rebuild_tensor_v2,
// persistent ids naming data/<key>), byteorder, the storage records (data 64-byte aligned by torch's 'FB' padding
// extra field), version and .data/serialization_id, then the central directory and the zip64 end records. The CRC-32
// of every record is the real one (of zeros for the holes).
import { gpt2Shapes, writeTorchZip, type TorchZipEntry } from '../../scripts/lib/sparse-torch-zip.mjs';

export { gpt2Shapes };

/** BINUNICODE `s`. */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(b.length);
  return Buffer.concat([Buffer.from([0x58]), n, b]);
}

/** BININT `v`. */
function int(v: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0x4a;
  b.writeInt32LE(v, 1);
  return b;
}

/** A tuple of BININTs. */
function ints(vs: readonly number[]): Buffer {
  return Buffer.concat([Buffer.from('('), ...vs.map(int), Buffer.from('t')]);
}

/**
 * data.pkl as torch.save writes it for `shapes` (an OrderedDict of contiguous float32 tensors, storage i named i);
 * with `payload`, one more entry whose value calls posix.system(payload).
 */
export function torchDataPkl(shapes: readonly [string, readonly number[]][], payload?: string): Buffer {
  const parts: Buffer[] = [
    Buffer.from([0x80, 0x02]),
    Buffer.from('ccollections\nOrderedDict\n'),
    Buffer.from([0x29, 0x52, 0x28]), // EMPTY_TUPLE, REDUCE, MARK
  ];
  shapes.forEach(([name, shape], i) => {
    const numel = shape.reduce((a, b) => a * b, 1);
    const stride: number[] = [];
    let acc = 1;
    for (let k = shape.length - 1; k >= 0; k--) {
      stride.unshift(acc);
      acc *= shape[k]!;
    }
    parts.push(
      str(name),
      Buffer.from('ctorch._utils\n_rebuild_tensor_v2\n(('),
      str('storage'),
      Buffer.from('ctorch\nFloatStorage\n'),
      str(String(i)),
      str('cpu'),
      int(numel),
      Buffer.from('tQ'), // TUPLE, BINPERSID
      int(0),
      ints(shape),
      ints(stride),
      Buffer.from([0x89]), // False
      Buffer.from('ccollections\nOrderedDict\n)R'),
      Buffer.from('tR'),
    );
  });
  if (payload !== undefined) parts.push(str('hook'), Buffer.from('cposix\nsystem\n('), str(payload), Buffer.from('tR'));
  parts.push(Buffer.from('u.'));
  return Buffer.concat(parts);
}

/**
 * Writes the ~5 GB sparse checkpoint (root folder `archive`) at `path` and returns its size; `payload` adds a call of
 * posix.system to data.pkl; the local header of the entry named `localNameOff` (if any) names it with its last
 * character replaced.
 */
export function writeSparseCheckpoint5gb(path: string, opts: { payload?: string; localNameOff?: string } = {}): number {
  const shapes = gpt2Shapes(38);
  const entries: TorchZipEntry[] = [
    { name: 'archive/data.pkl', bytes: torchDataPkl(shapes, opts.payload) },
    { name: 'archive/byteorder', bytes: Buffer.from('little') },
    ...shapes.map(([, s], i) => ({ name: `archive/data/${i}`, zeros: s.reduce((a, b) => a * b, 1) * 4 })),
    { name: 'archive/version', bytes: Buffer.from('3\n') },
    { name: 'archive/.data/serialization_id', bytes: Buffer.from('1234567890123456789012345678901234567890') },
  ];
  return writeTorchZip(
    path,
    entries.map((e) => (e.name === opts.localNameOff ? { ...e, localName: e.name.slice(0, -1) + 'X' } : e)),
  );
}
