export function gpt2Shapes(layers: number): [string, number[]][];
export interface TorchZipEntry {
  readonly name: string;
  readonly localName?: string;
  readonly bytes?: Uint8Array;
  readonly zeros?: number;
}
export function writeTorchZip(path: string, entries: readonly TorchZipEntry[]): number;
