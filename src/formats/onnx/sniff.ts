// ONNX candidates by their first protobuf field (imported eagerly by the format registry; decoding with the
// official schema in read-onnx.ts loads on demand and decides).

/** Protobuf field 1 (ir_version) as a varint: every ONNX writer emits it first. */
export function looksLikeOnnx(head: Uint8Array): boolean {
  return head[0] === 0x08 && head[1] !== undefined && head[1] >= 1 && head[1] <= 0x40;
}
