// ONNX candidates by their protobuf structure (imported eagerly by the format registry; decoding with the official
// schema in read-onnx.ts loads on demand and decides). protobuf C++ accepts ModelProto fields in any order, so the
// first field need not be ir_version: the first bytes must read as top-level protobuf fields, one of them a
// ModelProto field a model cannot do without (ir_version, graph or opset_import) with its wire type.

/** ModelProto's declared fields and their wire types (onnx.proto). */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0],
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 0],
  [6, 2],
  [7, 2],
  [8, 2],
  [14, 2],
  [20, 2],
  [25, 2],
]);
const ESSENTIAL = new Set([1, 7, 8]);
const MAX_FIELDS = 64;

function varint(b: Uint8Array, at: number): { value: number; end: number } | undefined {
  let value = 0;
  for (let i = 0; i < 10 && at + i < b.length; i++) {
    const x = b[at + i]!;
    if (i < 8) value += (x & 0x7f) * 2 ** (7 * i);
    if ((x & 0x80) === 0) return { value, end: at + i + 1 };
  }
  return undefined;
}

/** True when the first bytes are well-formed top-level protobuf fields that include an essential ModelProto field. */
export function looksLikeOnnx(head: Uint8Array, size = head.length): boolean {
  let pos = 0;
  let essential = false;
  for (let n = 0; n < MAX_FIELDS && pos < head.length; n++) {
    const tag = varint(head, pos);
    if (!tag) return essential;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (field < 1) return false;
    const declared = MODEL_FIELDS.get(field);
    if (n === 0 && declared !== wire) return false;
    if (declared === wire && ESSENTIAL.has(field)) essential = true;
    pos = tag.end;
    if (wire === 0) {
      const v = varint(head, pos);
      if (!v) return essential;
      if (field === 1 && declared === wire && (v.value < 1 || v.value > 64)) return false;
      pos = v.end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint(head, pos);
      if (!len) return essential;
      if (len.end + len.value > size) return false;
      pos = len.end + len.value;
    } else return false;
  }
  return essential;
}
