// The integrity check of one .xz block (XZ file format 1.1.0 §3.4: None, CRC32, CRC64, SHA-256; other check IDs
// are reserved sizes this reader skips), computed over the block's output as it is handed out, chunk by chunk.
import { crypto, zlib } from '../../core/builtins.js';
import { Crc64Xz } from './crc64.js';
import { u32le } from './frame-bytes.js';

export const CHECK_NONE = 0x0;
export const CHECK_CRC32 = 0x1;
export const CHECK_CRC64 = 0x4;
export const CHECK_SHA256 = 0xa;

/** The running check of one block's uncompressed data. */
export class XzBlockCheck {
  private crc32 = 0;
  private readonly crc64?: Crc64Xz;
  private readonly sha256?: ReturnType<ReturnType<typeof crypto>['createHash']>;

  constructor(private readonly check: number) {
    if (check === CHECK_CRC64) this.crc64 = new Crc64Xz();
    if (check === CHECK_SHA256) this.sha256 = crypto().createHash('sha256');
  }

  /** True when this reader verifies the check type (None counts as verified: there is nothing to compare). */
  get known(): boolean {
    return [CHECK_NONE, CHECK_CRC32, CHECK_CRC64, CHECK_SHA256].includes(this.check);
  }

  update(data: Uint8Array): void {
    if (this.check === CHECK_CRC32) this.crc32 = zlib().crc32(data, this.crc32);
    else this.crc64?.update(data);
    this.sha256?.update(data);
  }

  /** Whether `stored` (the block's check field) matches the data seen; true for None and unknown types. */
  matches(stored: Uint8Array): boolean {
    if (this.check === CHECK_CRC32) return this.crc32 === u32le(stored, 0);
    if (this.crc64) return sameBytes(this.crc64.digest(), stored);
    if (this.sha256) return sameBytes(this.sha256.digest(), stored);
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
