// Python source bytes to text as CPython's tokenizer reads them (PEP 263, Language Reference "Encoding
// declarations"): a UTF-8 BOM, else a `coding[:=]` cookie in a comment on line 1 (or on line 2 when line 1 is blank
// or a comment), else UTF-8. A file declaring another encoding is decoded in it, so a sink spelled in UTF-7 or
// Shift-JIS is seen as Python sees it; an encoding this reader cannot decode is reported, never read as UTF-8.

/** The decoded text, the codec used (CPython's normal name), or why the file could not be decoded. */
export type DecodedSource =
  { ok: true; text: string; encoding: string } | { ok: false; encoding: string; reason: string };

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** CPython's get_normal_name(): utf-8 and latin-1 spellings (with any `-suffix`) are normalised first. */
function normalName(name: string): string {
  const n = name.toLowerCase().replace(/_/g, '-');
  if (n === 'utf-8' || n.startsWith('utf-8-')) return 'utf-8';
  if (/^(latin-1|iso-8859-1|iso-latin-1)(-|$)/.test(n)) return 'iso-8859-1';
  return n;
}

/**
 * Python codec names (as encodings.aliases normalises them: lower case, `-`/` ` → `_`) mapped to a WHATWG label
 * TextDecoder knows, where both decode the same bytes to the same text for the characters source code uses.
 */
const WHATWG: ReadonlyMap<string, string> = new Map([
  ['utf_8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['u8', 'utf-8'],
  ['utf', 'utf-8'],
  ['cp65001', 'utf-8'],
  ['utf_8_sig', 'utf-8'],
  ['cp1250', 'windows-1250'],
  ['windows_1250', 'windows-1250'],
  ['cp1251', 'windows-1251'],
  ['windows_1251', 'windows-1251'],
  ['cp1253', 'windows-1253'],
  ['cp1254', 'windows-1254'],
  ['cp1255', 'windows-1255'],
  ['cp1256', 'windows-1256'],
  ['cp1257', 'windows-1257'],
  ['cp1258', 'windows-1258'],
  ...[2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16].flatMap((n): [string, string][] => [
    [`iso8859_${n}`, `iso-8859-${n}`],
    [`iso_8859_${n}`, `iso-8859-${n}`],
  ]),
  ['latin2', 'iso-8859-2'],
  ['koi8_r', 'koi8-r'],
  ['koi8_u', 'koi8-u'],
  ['mac_roman', 'macintosh'],
  ['macroman', 'macintosh'],
  ['shift_jis', 'shift_jis'],
  ['sjis', 'shift_jis'],
  ['s_jis', 'shift_jis'],
  ['cp932', 'shift_jis'],
  ['ms932', 'shift_jis'],
  ['euc_jp', 'euc-jp'],
  ['eucjp', 'euc-jp'],
  ['iso2022_jp', 'iso-2022-jp'],
  ['iso_2022_jp', 'iso-2022-jp'],
  ['gbk', 'gbk'],
  ['gb2312', 'gbk'],
  ['cp936', 'gbk'],
  ['gb18030', 'gb18030'],
  ['big5', 'big5'],
  ['cp950', 'big5'],
  ['euc_kr', 'euc-kr'],
  ['euckr', 'euc-kr'],
  ['cp949', 'euc-kr'],
]);

/** Decode Python source bytes the way CPython's tokenizer would before tokenizing. */
export function decodePythonSource(bytes: Uint8Array): DecodedSource {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const declared = cookie(bytes.subarray(3));
    // CPython refuses a BOM with another declared encoding ("encoding problem: utf-8"): the file cannot run.
    if (declared !== undefined && normalName(declared) !== 'utf-8')
      return { ok: false, encoding: declared, reason: `a UTF-8 BOM and a \`coding: ${declared}\` declaration` };
    return { ok: true, text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  const declared = cookie(bytes);
  if (declared === undefined) return { ok: true, text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  const name = normalName(declared);
  if (name === 'utf-8') return { ok: true, text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  const key = name.replace(/-/g, '_');
  if (name === 'iso-8859-1' || key === 'latin1' || key === 'l1' || key === 'cp819' || key === 'iso8859_1')
    return { ok: true, text: latin1(bytes), encoding: 'iso-8859-1' };
  if (key === 'ascii' || key === 'us_ascii' || key === '646')
    return { ok: true, text: latin1(bytes), encoding: 'ascii' };
  if (key === 'utf_7' || key === 'utf7' || key === 'u7' || key === 'unicode_1_1_utf_7')
    return { ok: true, text: decodeUtf7(bytes), encoding: 'utf-7' };
  if (key === 'cp1252' || key === 'windows_1252') return { ok: true, text: cp1252(bytes), encoding: 'cp1252' };
  const label = WHATWG.get(key);
  if (label !== undefined) return { ok: true, text: new TextDecoder(label).decode(bytes), encoding: key };
  return {
    ok: false,
    encoding: declared,
    reason: `the file declares the source encoding \`${declared}\`, which this reader does not decode`,
  };
}

/** The encoding named by a PEP 263 cookie on line 1, or on line 2 when line 1 is blank or a comment. */
function cookie(bytes: Uint8Array): string | undefined {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length && lines.length < 2 && i - start < 4096; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
      lines.push(latin1(bytes.subarray(start, i)));
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) i++;
      start = i + 1;
    }
  }
  if (lines.length < 2 && start < bytes.length)
    lines.push(latin1(bytes.subarray(start, Math.min(bytes.length, start + 4096))));
  const first = lines[0] ?? '';
  const m1 = COOKIE.exec(first);
  if (m1 !== null) return m1[1];
  if (!/^[ \t\f]*(#.*)?$/.test(first)) return undefined;
  const m2 = COOKIE.exec(lines[1] ?? '');
  return m2 !== null ? m2[1] : undefined;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/**
 * cp1252's 0x80–0x9F (Python's table; the five bytes it leaves undefined stay as their C1 control). Node's
 * TextDecoder treats `windows-1252` as ISO-8859-1, so the table is here.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function cp1252(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) {
    const part = Array.from(b.subarray(i, i + 8192), (c) => (c >= 0x80 && c <= 0x9f ? CP1252_HIGH[c - 0x80]! : c));
    s += String.fromCharCode(...part);
  }
  return s;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * UTF-7 (RFC 2152) as Python's codec decodes it: `+` starts a modified-base64 run of UTF-16 code units ended by
 * any non-base64 byte (a `-` ending it is consumed), `+-` is `+`; other bytes are themselves. Malformed runs decode
 * what they can (Python would raise; the analysis still sees the text around them).
 */
export function decodeUtf7(bytes: Uint8Array): string {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c !== 0x2b) {
      out.push(c);
      i++;
      continue;
    }
    i++;
    if (bytes[i] === 0x2d) {
      out.push(0x2b);
      i++;
      continue;
    }
    let bits = 0;
    let nbits = 0;
    while (i < bytes.length) {
      const v = B64.indexOf(String.fromCharCode(bytes[i]!));
      if (v < 0) break;
      bits = ((bits << 6) | v) & 0xffffff;
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        out.push((bits >> nbits) & 0xffff);
      }
      i++;
    }
    if (bytes[i] === 0x2d) i++;
  }
  let s = '';
  for (let k = 0; k < out.length; k += 8192) s += String.fromCharCode(...out.slice(k, k + 8192));
  return s;
}
