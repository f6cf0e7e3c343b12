// Makes untrusted text safe to print on a terminal: C0/C1 controls (escape sequences, carriage returns, newlines)
// become \xNN, and Unicode bidirectional controls and line separators (which reorder or break what a reader sees:
// a path with U+202E shows its extension backwards) become \u{NNNN}. Printable text is left as it is.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0x9f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).padStart(4, '0')}}`;
  });
}
