// Latin-1 decoding of short byte runs (pickle keys, names, record strings). Measured on Node 20: a call into
// Buffer#latin1Slice costs ~75–110 ns per string whatever its length; String.fromCharCode with the bytes as
// arguments ~25–60 ns up to 24 bytes and returns a flat string (concatenating halves would make a cons string
// that costs more when it is read). Opcode-dense pickles are mostly such strings.

const F = String.fromCharCode;

/** Longest run decoded here; longer runs go to the native slicer. */
export const SHORT_STRING_MAX = 24;

/** The Latin-1 string of `b[p .. p+len)` (every byte one code point), for `len <= SHORT_STRING_MAX`. */
export function latin1Short(b: Uint8Array, p: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return F(b[p]!);
    case 2:
      return F(b[p]!, b[p + 1]!);
    case 3:
      return F(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return F(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return F(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return F(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return F(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    case 8:
      return F(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
    case 9:
      return F(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!, b[p + 8]!);
    case 10:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
      );
    case 11:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
      );
    case 12:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
      );
    case 13:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
      );
    case 14:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
      );
    case 15:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
      );
    case 16:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
      );
    case 17:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
      );
    case 18:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
      );
    case 19:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
        b[p + 18]!,
      );
    case 20:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
        b[p + 18]!,
        b[p + 19]!,
      );
    case 21:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
        b[p + 18]!,
        b[p + 19]!,
        b[p + 20]!,
      );
    case 22:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
        b[p + 18]!,
        b[p + 19]!,
        b[p + 20]!,
        b[p + 21]!,
      );
    case 23:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
        b[p + 18]!,
        b[p + 19]!,
        b[p + 20]!,
        b[p + 21]!,
        b[p + 22]!,
      );
    case 24:
      return F(
        b[p]!,
        b[p + 1]!,
        b[p + 2]!,
        b[p + 3]!,
        b[p + 4]!,
        b[p + 5]!,
        b[p + 6]!,
        b[p + 7]!,
        b[p + 8]!,
        b[p + 9]!,
        b[p + 10]!,
        b[p + 11]!,
        b[p + 12]!,
        b[p + 13]!,
        b[p + 14]!,
        b[p + 15]!,
        b[p + 16]!,
        b[p + 17]!,
        b[p + 18]!,
        b[p + 19]!,
        b[p + 20]!,
        b[p + 21]!,
        b[p + 22]!,
        b[p + 23]!,
      );
    default:
      throw new RangeError(`latin1Short: ${len} bytes is more than ${SHORT_STRING_MAX}`);
  }
}

type Latin1Slicer = { latin1Slice?: (start: number, end: number) => string };

/**
 * The Latin-1 string of `b[p .. p+len)`: short runs through {@link latin1Short}, longer ones through the native
 * slicer of `text` (the same bytes as a Buffer): Buffer#latin1Slice when the runtime has it (it skips toString's
 * argument normalisation), else toString.
 */
export function latin1Text(b: Uint8Array, text: Buffer, p: number, len: number): string {
  if (len <= SHORT_STRING_MAX) return latin1Short(b, p, len);
  const f = (text as unknown as Latin1Slicer).latin1Slice;
  return f ? f.call(text, p, p + len) : text.toString('latin1', p, p + len);
}
