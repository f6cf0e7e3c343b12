// Native executables and shared libraries recognised by their headers: ELF, Mach-O (thin and fat) and PE. Used to
// flag native code shipped inside model archives (a custom-operator library next to a TorchScript program).
import type { ByteSource } from '../sources/byte-source.js';

export interface NativeBinary {
  /** `ELF`, `Mach-O`, `Mach-O universal` or `PE`. */
  readonly format: string;
  /** What the header says, e.g. `ELF 64-bit shared object`. */
  readonly description: string;
}

const ELF_TYPES: Record<number, string> = { 1: 'relocatable object', 2: 'executable', 3: 'shared object', 4: 'core' };
const MACHO_MAGICS = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]);
const MACHO_FILETYPES: Record<number, string> = { 1: 'object', 2: 'executable', 6: 'dylib', 8: 'bundle' };

function u32be(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** The native binary `src` holds, judged from its headers; undefined for anything else. */
export function nativeBinary(src: ByteSource): NativeBinary | undefined {
  if (src.size < 16) return undefined;
  const h = src.read(0, Math.min(src.size, 64));
  if (h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46) {
    const bits = h[4] === 2 ? '64-bit' : h[4] === 1 ? '32-bit' : 'unknown-class';
    const le = h[5] !== 2;
    const type = le ? h[16]! | (h[17]! << 8) : (h[16]! << 8) | h[17]!;
    return { format: 'ELF', description: `ELF ${bits} ${ELF_TYPES[type] ?? `type ${type}`}` };
  }
  const m = u32be(h, 0);
  if (MACHO_MAGICS.has(m)) {
    const le = m === 0xcefaedfe || m === 0xcffaedfe;
    const ft = le ? u32le(h, 12) : u32be(h, 12);
    return { format: 'Mach-O', description: `Mach-O ${MACHO_FILETYPES[ft] ?? `filetype ${ft}`}` };
  }
  // 0xCAFEBABE is also a Java class file; a fat Mach-O has a small architecture count where Java has its version.
  if (m === 0xcafebabe && u32be(h, 4) > 0 && u32be(h, 4) < 32) {
    return { format: 'Mach-O universal', description: `Mach-O universal binary (${u32be(h, 4)} architectures)` };
  }
  if (h[0] === 0x4d && h[1] === 0x5a && src.size >= 0x40) {
    const peOff = u32le(src.read(0x3c, 4), 0);
    if (peOff >= 0x40 && peOff + 24 <= src.size) {
      const pe = src.read(peOff, 24);
      if (pe[0] === 0x50 && pe[1] === 0x45 && pe[2] === 0 && pe[3] === 0) {
        const dll = ((pe[22]! | (pe[23]! << 8)) & 0x2000) !== 0;
        return { format: 'PE', description: dll ? 'PE DLL' : 'PE executable' };
      }
    }
  }
  return undefined;
}
