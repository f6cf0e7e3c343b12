// The decoder memory read from 7-Zip's listed method: LZMA/LZMA2 dictionaries and PPMd model sizes, as powers of two
// or with a unit, in coder chains; coders that need little (or methods not understood) count as 0.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { coderMemory } from '../../../src/formats/sevenzip/coder-memory.js';

const MiB = 1024 * 1024;

describe('coderMemory', () => {
  const cases: [string, number][] = [
    ['LZMA2:24', 16 * MiB],
    ['LZMA2:25', 32 * MiB],
    ['LZMA2:12m', 12 * MiB],
    ['LZMA2:768m', 768 * MiB],
    ['LZMA:3m', 3 * MiB],
    ['LZMA:26', 64 * MiB],
    ['BCJ LZMA2:26', 64 * MiB],
    ['BCJ2 LZMA2:24 LZMA:20 LZMA:20', 16 * MiB],
    ['LZMA2:24 7zAES:19', 16 * MiB],
    ['PPMD:o32:mem192m', 192 * MiB],
    ['PPMD:o6:mem24', 16 * MiB],
    ['LZMA2:1536m', 1536 * MiB],
    ['LZMA2:1g', 1024 * MiB],
    ['LZMA2:64k', 64 * 1024],
    // Little or unknown memory: the benign twins.
    ['PPMD', 0],
    ['BZip2', 0],
    ['Deflate', 0],
    ['Copy', 0],
    ['ARM64 Delta:4', 0],
    ['LZMA2:x', 0],
    ['', 0],
  ];
  for (const [method, want] of cases) it(JSON.stringify(method), () => assert.equal(coderMemory(method), want));
});
