// What a file name claims versus what its bytes are. Formats are always chosen by content; a disagreement (a torch
// zip named .safetensors, a pickle named .npy or with no extension) is recorded as evidence, never as a reason to
// skip or trust a file.

/** Formats (as expanders report them) that each extension may legitimately hold. */
const EXPECTED: Readonly<Record<string, readonly RegExp[]>> = {
  safetensors: [/^safetensors$/],
  npy: [/^npy /],
  npz: [/^zip$/],
  json: [/^json$/, /^text$/],
  keras: [/^keras$/],
  h5: [/^hdf5$/],
  hdf5: [/^hdf5$/],
  jinja: [/^jinja$/],
  txt: [/^text$/],
  md: [/^text$/],
  yaml: [/^text$/],
  yml: [/^text$/],
  csv: [/^text$/],
  onnx: [/^onnx$/],
  gguf: [/^gguf$/],
  pkl: [/^pickle$/, /^torch-/, /^(gzip|zlib|bzip2|xz|lzma|lz4|zstd)$/],
  pickle: [/^pickle$/, /^torch-/],
  joblib: [/^pickle$/, /^(gzip|zlib|bzip2|xz|lzma|lz4|zstd)$/],
  pt: [/^torch-/, /^pickle$/],
  pth: [/^torch-/, /^pickle$/],
  ckpt: [/^torch-/, /^pickle$/],
  bin: [/./],
  zip: [/^zip$/, /^torch-/],
  tar: [/^tar$/, /^torch-legacy-tar$/],
  gz: [/^gzip$/],
  tgz: [/^gzip$/],
  bz2: [/^bzip2$/],
  xz: [/^xz$/],
  lzma: [/^lzma$/],
  lz4: [/^lz4$/],
  zst: [/^zstd$/],
  '7z': [/^7z$/],
  py: [/^python$/],
};

/**
 * Returns a description of the disagreement between `name`'s extension and the detected formats (the first one
 * is the outermost), or undefined when they agree or the extension claims nothing.
 */
export function extensionMismatch(name: string, formats: readonly string[]): string | undefined {
  const dot = name.lastIndexOf('.');
  const outer = formats[0];
  if (outer === undefined) return undefined;
  if (dot <= 0) {
    // No extension: only worth noting when the content is an executable format.
    return /^(pickle|torch-|zip|gzip|zlib|bzip2|xz|lzma|lz4|zstd|7z|npy)/.test(outer)
      ? `file has no extension but its content is ${outer}`
      : undefined;
  }
  const ext = name.slice(dot + 1).toLowerCase();
  const expected = Object.hasOwn(EXPECTED, ext) ? EXPECTED[ext] : undefined;
  if (!expected) return undefined;
  if (expected.some((re) => re.test(outer))) return undefined;
  return `file extension .${ext} but its content is ${outer}`;
}
