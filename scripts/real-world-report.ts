// The real-world measure as a table: every file of test/fixtures/real-world/manifest.json that is present (git
// mirrors under SENTINEL_MIRRORS or /work/.mirror, the Debian installation), scanned as test/rules/packs/real-world.test.ts
// scans it, counted per library and per the version that wrote it (the version its path names, else the first
// release tag it appears in). Usage: node --import tsx scripts/real-world-report.ts [--blocked] [--json FILE] [--manifest FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { scanBytes } from '../src/scan/engine.js';

interface Entry {
  source: 'git' | 'debian';
  repository?: string;
  library?: string;
  package?: string;
  version?: string;
  tag?: string;
  writer?: string | null;
  commit?: string;
  path: string;
  sha256: string;
  kind: string;
}

const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const COMPANION_ABSENT = 'the file beside it is not in this scan';
const m = process.argv.indexOf('--manifest');
const manifest = JSON.parse(
  readFileSync(
    m > 0 ? process.argv[m + 1]! : new URL('../test/fixtures/real-world/manifest.json', import.meta.url),
    'utf8',
  ),
) as { files: Entry[] };

function bytesOf(e: Entry): Uint8Array | undefined {
  if (e.source === 'debian') return existsSync(e.path) ? readFileSync(e.path) : undefined;
  const repo = join(MIRRORS, e.repository!.replace('/', '+'), 'repo');
  if (!existsSync(repo)) return undefined;
  try {
    return execFileSync('git', ['-C', repo, 'cat-file', 'blob', `${e.commit}:${e.path}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

const library = (e: Entry): string =>
  e.library ?? (e.package ?? '').replace(/^python3-/, '').replace(/^sklearn$/, 'scikit-learn') ?? '?';
const major = (v: string): string => v.replace(/^v/, '').split('.').slice(0, 2).join('.');
const writer = (e: Entry): string =>
  e.writer ? major(e.writer) : e.tag ? `<= ${major(e.tag)}` : e.version ? `deb ${major(e.version)}` : '?';

const rows = new Map<string, { files: number; blocked: number; companion: number; names: string[] }>();
const blockedList: string[] = [];
let absent = 0;
for (const e of manifest.files) {
  const bytes = bytesOf(e);
  if (bytes === undefined) {
    absent++;
    continue;
  }
  const r = await scanBytes(basename(e.path), bytes);
  const blocking = r.findings.filter((f) => BLOCKING.has(f.severity));
  const key = `${library(e)}\t${writer(e)}`;
  const row = rows.get(key) ?? { files: 0, blocked: 0, companion: 0, names: [] };
  row.files++;
  if (blocking.length && blocking.every((f) => f.evidence.signal.includes(COMPANION_ABSENT))) row.companion++;
  else if (blocking.length) {
    row.blocked++;
    const where = e.repository ? `${e.repository}:${e.path}` : e.path;
    blockedList.push(`${where}\t${blocking.map((f) => f.evidence.signal.slice(0, 160)).join(' | ')}`);
  }
  rows.set(key, row);
}
const sorted = [...rows].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
console.log('library\twriter version\tfiles\tblocked\tcompanion-only');
for (const [k, v] of sorted) console.log(`${k}\t${v.files}\t${v.blocked}\t${v.companion}`);
const total = sorted.reduce((a, [, v]) => a + v.files, 0);
const blocked = sorted.reduce((a, [, v]) => a + v.blocked, 0);
console.log(`total\t\t${total}\t${blocked}\t(absent: ${absent})`);
if (process.argv.includes('--blocked')) for (const b of blockedList) console.log(b);
const j = process.argv.indexOf('--json');
if (j > 0)
  writeFileSync(process.argv[j + 1]!, JSON.stringify({ rows: Object.fromEntries(sorted), blockedList }, null, 1));
