// Shared text decoders, created on first use (creating one at module load cost start-up time in every module that
// held one). Not for streaming decodes (`{ stream: true }` keeps state between calls): create a decoder for those.

type Decoder = InstanceType<typeof TextDecoder>;

let utf8Fatal: Decoder | undefined;
let utf8Lossy: Decoder | undefined;
let latin1Decoder: Decoder | undefined;

/** UTF-8 that throws on malformed input. */
export function utf8Strict(): Decoder {
  return (utf8Fatal ??= new TextDecoder('utf-8', { fatal: true }));
}

/** UTF-8 with U+FFFD for malformed input. */
export function utf8(): Decoder {
  return (utf8Lossy ??= new TextDecoder('utf-8'));
}

/** Latin-1 (the WHATWG label: windows-1252). */
export function latin1(): Decoder {
  return (latin1Decoder ??= new TextDecoder('latin1'));
}
