// Parser for `7z l -slt -ba` output: one block of `Key = Value` lines per item, blocks separated by blank lines.
import { CorruptError } from '../../core/errors.js';
import type { SevenZipEntry } from './sevenzip-types.js';

/** Entries of a technical listing, in archive order. Throws CorruptError on blocks without Path or Size. */
export function parseSltListing(lines: string[]): SevenZipEntry[] {
  const entries: SevenZipEntry[] = [];
  let block = new Map<string, string>();
  const flush = (): void => {
    if (block.size === 0) return;
    const path = block.get('Path');
    const sizeText = block.get('Size');
    if (path === undefined || sizeText === undefined) {
      throw new CorruptError(`7z: unparseable listing block (${[...block.keys()].join(', ')})`);
    }
    const attributes = block.get('Attributes') ?? '';
    const [dosAttrs = '', unixMode = ''] = attributes.split(' ');
    const size = sizeText === '' ? 0 : Number(sizeText);
    if (!Number.isSafeInteger(size) || size < 0)
      throw new CorruptError(`7z: bad size ${JSON.stringify(sizeText)} for ${path}`);
    entries.push({
      name: path,
      size,
      method: block.get('Method') ?? '',
      encrypted: block.get('Encrypted') === '+',
      isDirectory: dosAttrs.includes('D') || block.get('Folder') === '+',
      isSymlink: unixMode.startsWith('l'),
      attributes,
      index: entries.length,
    });
    block = new Map();
  };
  for (const raw of lines) {
    for (const line of raw.split('\n')) {
      if (line.trim() === '') {
        flush();
        continue;
      }
      const eq = line.indexOf(' = ');
      if (eq > 0) block.set(line.slice(0, eq), line.slice(eq + 3));
      else if (line.endsWith(' =')) block.set(line.slice(0, -2), '');
    }
  }
  flush();
  return entries;
}
