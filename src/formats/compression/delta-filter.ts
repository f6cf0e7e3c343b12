// The .xz delta filter's decoder (filter 0x03, XZ file format 1.1.0 §5.3.3): each output byte is the input byte
// plus the output byte `distance` (1..256) before it, modulo 256; the history before the block's start is zero.

/** Undoes one delta filter over a block's data given in pieces, in place. */
export class DeltaDecoder {
  /** The last 256 output bytes, `history[(at - d) & 255]` being the byte d back. */
  private readonly history = new Uint8Array(256);
  private at = 0;

  constructor(private readonly distance: number) {}

  /** Decodes `data` in place (the pieces in order make up the block's data). */
  apply(data: Uint8Array): void {
    const h = this.history;
    const d = this.distance;
    let at = this.at;
    for (let i = 0; i < data.length; i++) {
      const v = (data[i]! + h[(at - d) & 255]!) & 255;
      data[i] = v;
      h[at] = v;
      at = (at + 1) & 255;
    }
    this.at = at;
  }
}
