// A Python module's text with its comments and string literals blanked (each character replaced by a space, line
// breaks kept), so that a word found in it is a word of the code: a class named in a docstring, a log message or a
// comment is not a use of it. Text only, never parsed: the DESER phase asks it of files it has not read yet.

/**
 * `text` with every comment and string literal (single or triple quoted, any prefix; f-strings too) replaced by
 * spaces of the same length, line breaks kept. An unterminated single-quoted string ends at its line's end, an
 * unterminated triple-quoted one at the end of the text (as far as a blanked word goes, both are strings).
 */
export function pythonCodeText(text: string): string {
  let out = '';
  let from = 0;
  const blank = (start: number, end: number): void => {
    out += text.slice(from, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    from = end;
  };
  const n = text.length;
  for (let i = 0; i < n;) {
    const ch = text[i]!;
    if (ch === '#') {
      let end = i;
      while (end < n && text[end] !== '\n' && text[end] !== '\r') end++;
      blank(i, end);
      i = end;
      continue;
    }
    if (ch !== '"' && ch !== "'") {
      i++;
      continue;
    }
    const triple = text.startsWith(ch.repeat(3), i);
    const quote = triple ? ch.repeat(3) : ch;
    let end = i + quote.length;
    for (;;) {
      if (end >= n) break;
      const c = text[end]!;
      if (c === '\\') {
        end += 2;
        continue;
      }
      if (!triple && (c === '\n' || c === '\r')) break;
      if (text.startsWith(quote, end)) {
        end += quote.length;
        break;
      }
      end++;
    }
    end = Math.min(end, n);
    blank(i, end);
    i = end;
  }
  return out + text.slice(from);
}
