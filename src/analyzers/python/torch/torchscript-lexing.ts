// TorchScript source as torch's own lexer reads it (torch/csrc/jit/frontend/lexer.h), before the Python parser reads
// it. The two lexers disagree on three characters, and code that torch.jit.load compiles and runs must be read as torch
// reads it, or a file can hide load code from the analysis:
// - a carriage return not followed by a line feed: Python (and the parser) end a line there, so a comment ends and
//   what follows on the same torch line is code; torch ends lines only at `\n` and takes `\r` as a blank, so the rest
//   stays in the comment (or in the statement);
// - a form feed in a line's indentation: Python resets the indentation count at it; torch counts it as one column;
// - a tab (and a vertical tab) in a line's indentation: Python advances to the next multiple of 8; torch counts one.
// Observed with torch 1.13 and 2.14 (torch.jit.load of edited archives, in a throwaway process): a `__setstate__` whose
// lines were hidden from Python's reading this way wrote a chosen file at load. So every `\r` becomes a space, and
// every blank of a line's indentation one space: the parser then sees the lines, and the blocks, torch sees.

/**
 * A TorchScript code file's text as torch reads it: its bytes as UTF-8, whatever a `# coding:` line says (torch's
 * lexer reads the bytes and takes that line as a comment; Python's source decoding honours it, and a UTF-7 or
 * Shift_JIS reading turned `+ACM-` into `#`, or a byte pair into one character that ate a backslash, and hid code
 * torch runs at load). Bytes that are not UTF-8 become U+FFFD one sequence at a time, so no ASCII character around
 * them changes.
 */
export function torchScriptText(bytes: Uint8Array): string {
  return asTorchScriptLexes(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
}

/** `text` with torch's line ends and indentation written as the Python parser reads them (same length). */
export function asTorchScriptLexes(text: string): string {
  if (!/[\r\t\f\v]/.test(text)) return text;
  return text.replace(/\r/g, ' ').replace(/^[ \t\f\v]+/gm, (blanks) => ' '.repeat(blanks.length));
}
