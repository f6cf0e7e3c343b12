// GGUF recognised by its magic (imported eagerly by the format registry; read-gguf.ts loads on demand).

export const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46];

export function looksLikeGguf(head: Uint8Array): boolean {
  return GGUF_MAGIC.every((b, i) => head[i] === b);
}
