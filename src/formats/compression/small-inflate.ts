// Small raw DEFLATE streams inflated by one reused inflater (pako's zlib port, reset between streams): a file of many
// small gzip members costs time proportional to its size, with no inflater, output buffer or native handle set up per
// member. Only a stream that ends cleanly within the given bytes and output bound is taken; any other (larger, cut
// short, corrupt) is left to node:zlib, which reports what it is.
//
// The reset sets the fields zlib's inflateReset sets (pako's state mirrors zlib's inflate_state) and keeps the
// state's code tables (rebuilt by every dynamic block before use, as zlib's own inflate reuses its `codes` array):
// pako's inflateReset allocates two fresh tables per call, which cost more than inflating a small member. The
// read-once tests decode many-member files both ways and compare.
import { ZStream, zlibInflate, zlibInflateInit2, Z_NO_FLUSH, Z_STREAM_END } from 'pako';

/** A raw DEFLATE stream that ended: its output (a copy) and the input bytes it used. */
export interface SmallStream {
  readonly consumed: number;
  readonly output: Uint8Array;
}

/** The fields of pako's inflate state that zlib's inflateReset sets (the names of zlib's inflate_state). */
interface ResettableState {
  mode: number;
  total: number;
  last: number;
  havedict: number;
  flags: number;
  dmax: number;
  head: unknown;
  hold: number;
  bits: number;
  lencode: unknown;
  distcode: unknown;
  lendyn: unknown;
  distdyn: unknown;
  sane: number;
  back: number;
  wsize: number;
  whave: number;
  wnext: number;
}

export class SmallInflater {
  private readonly strm = new ZStream();
  private readonly out: Uint8Array<ArrayBuffer>;
  private readonly state: ResettableState;
  /** The state's mode right after initialisation (the start of a raw stream). */
  private readonly startMode: number;

  /** Streams inflating to more than `maxOutput` bytes are not taken. */
  constructor(readonly maxOutput: number) {
    zlibInflateInit2(this.strm, -15);
    this.out = new Uint8Array(maxOutput + 1);
    this.state = this.strm.state as ResettableState;
    this.startMode = this.state.mode;
  }

  /** What zlib's inflateReset sets, the code tables and window buffer kept (see the note at the top). */
  private reset(): void {
    const s = this.strm;
    const st = this.state;
    s.total_in = 0;
    s.total_out = 0;
    s.msg = '';
    st.total = 0;
    st.mode = this.startMode;
    st.last = 0;
    st.havedict = 0;
    st.flags = -1;
    st.dmax = 32768;
    st.head = null;
    st.hold = 0;
    st.bits = 0;
    st.lencode = st.lendyn;
    st.distcode = st.distdyn;
    st.sane = 1;
    st.back = -1;
    st.wsize = 0;
    st.whave = 0;
    st.wnext = 0;
  }

  /** The raw DEFLATE stream at the start of `input`, when it ends within `input` and `maxOutput`; else undefined. */
  inflate(input: Uint8Array): SmallStream | undefined {
    if (input.length === 0) return undefined;
    const s = this.strm;
    this.reset();
    s.input = input;
    s.next_in = 0;
    s.avail_in = input.length;
    s.output = this.out;
    s.next_out = 0;
    s.avail_out = this.out.length;
    const ret = zlibInflate(s, Z_NO_FLUSH);
    if (ret !== Z_STREAM_END || s.next_out > this.maxOutput) return undefined;
    return { consumed: s.next_in, output: this.out.slice(0, s.next_out) };
  }
}
