#!/usr/bin/env node
// `npm run bench` (big-input rows): real artifacts of 0.2–1.5 GB written by the real tools OUTSIDE the repo
// (os.tmpdir) — ONNX models with inline weights (onnx via /usr/bin/python3), a .npy, a tar holding it, gzip, lz4,
// zstd, bzip2 and xz streams and 7z archives of base64 text (the compressed input is read in windows, never held
// whole), a 7z entry of 1 GiB of zeros (maxEntryBytes), a 7z holding a large pickle whose payload sits at its end —
// scanned by the built CLI in fresh processes under default limits. Goal: every scan ends with the expected result
// and peak RSS < 512 MB. Rows whose tool is missing are skipped. Prints wall time (median [range] of RUNS), CPU s,
// peak RSS (max), exit code, blocking rules and the load average.
// Usage: node scripts/bench-big-inputs.mjs [--no-build] [--runs N] [--only name,name] [--dir DIR (keep and reuse
// the inputs)] [--cli path/to/sentinel.js]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanOnce as scanOnceWith, summarize } from './bench-scan-once.mjs';

const root = new URL('..', import.meta.url).pathname;
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const cli = arg('--cli', join(root, 'bin', 'sentinel.js'));
const RUNS = Number(arg('--runs', 1));
const ONLY = arg('--only', '')?.split(',').filter(Boolean);
const KEEP = arg('--dir', undefined);
const PY = '/usr/bin/python3';
const MiB = 1024 * 1024;
if (!process.argv.includes('--no-build') && !process.argv.includes('--cli'))
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

const has = (mod) => existsSync(PY) && spawnSync(PY, ['-c', `import ${mod}`]).status === 0;
const sh = (script) => execFileSync('/bin/sh', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
const py = (code, ...args) => execFileSync(PY, ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

/** An ONNX model of about `mb` MB whose weights are inline raw_data (a chain of Add nodes), saved by onnx. */
const ONNX = `
import sys, numpy as np, onnx, onnx.helper as h, onnx.numpy_helper as nh
from onnx import TensorProto
out, mb = sys.argv[1], int(sys.argv[2])
k = 24
n = mb * 1024 * 1024 // 4 // k
rng = np.random.default_rng(0)
inits, nodes, prev = [], [], 'X'
for i in range(k):
    inits.append(nh.from_array(rng.standard_normal(n, dtype=np.float32), 'W%d' % i))
    nodes.append(h.make_node('Add', [prev, 'W%d' % i], ['Y%d' % i], name='add%d' % i))
    prev = 'Y%d' % i
nodes.append(h.make_node('Identity', [prev], ['Y'], name='out'))
g = h.make_graph(nodes, 'big', [h.make_tensor_value_info('X', TensorProto.FLOAT, [n])],
                 [h.make_tensor_value_info('Y', TensorProto.FLOAT, [n])], inits)
m = h.make_model(g, producer_name='bench', opset_imports=[h.make_opsetid('', 13)])
del inits, g
onnx.save(m, out)
`;
/** A float32 array of about `mb` MB saved by numpy. */
const NPY = `
import sys, numpy as np
np.save(sys.argv[1], np.random.default_rng(0).standard_normal(int(sys.argv[2]) * 1024 * 1024 // 4, dtype=np.float32))
`;
/** A pickle of a list holding `mb` MB of base64 text, then an object whose reduce calls os.system (at the end). */
const PICKLE = `
import sys, os, base64, pickle
class Payload:
    def __reduce__(self):
        return (os.system, ('true',))
text = base64.b64encode(os.urandom(int(sys.argv[2]) * 1024 * 1024 * 3 // 4)).decode()
with open(sys.argv[1], 'wb') as f:
    pickle.dump([text, Payload()], f, protocol=4)
`;

/** name → { needs, make(path, dir), expect: exit code } */
const INPUTS = {
  'onnx-inline-900m.onnx': { needs: () => has('onnx'), make: (p) => py(ONNX, p, '900'), expect: 0 },
  'onnx-inline-1500m.onnx': { needs: () => has('onnx'), make: (p) => py(ONNX, p, '1500'), expect: 0 },
  'npy-900m.npy': { needs: () => has('numpy'), make: (p) => py(NPY, p, '900'), expect: 0 },
  'tar-900m-member.tar': {
    needs: () => has('numpy') && existsSync('/usr/bin/tar'),
    make: (p, d) => {
      mkdirSync(join(d, 'tar-src'), { recursive: true });
      py(NPY, join(d, 'tar-src', 'weights.npy'), '900');
      sh(`tar -cf '${p}' -C '${join(d, 'tar-src')}' weights.npy && rm -r '${join(d, 'tar-src')}'`);
    },
    expect: 0,
  },
  'gz-900m-base64.txt.gz': {
    needs: () => existsSync('/usr/bin/gzip'),
    make: (p) => sh(`head -c 675M /dev/urandom | base64 | gzip -1 > '${p}'`),
    expect: 0,
  },
  'lz4-900m-base64.txt.lz4': {
    needs: () => existsSync('/usr/bin/lz4'),
    make: (p) => sh(`head -c 675M /dev/urandom | base64 | lz4 -1 -c > '${p}'`),
    expect: 0,
  },
  'zst-900m-base64.txt.zst': {
    needs: () => existsSync('/usr/bin/zstd'),
    make: (p) => sh(`head -c 675M /dev/urandom | base64 | zstd -1 -c > '${p}'`),
    expect: 0,
  },
  /** Near-incompressible for LZMA (~0.77:1): ~700 MB of .xz in many blocks (-T2), read in windows, decoded twice. */
  'xz-900m-base64.txt.xz': {
    needs: () => existsSync('/usr/bin/xz'),
    make: (p) => sh(`head -c 675M /dev/urandom | base64 | xz -T2 -0 -c > '${p}'`),
    expect: 0,
  },
  /** bzip2 decodes at a few MB/s in JS: a modest size that still exceeds the hold and the whole-read threshold. */
  'bz2-300m-base64.txt.bz2': {
    needs: () => existsSync('/usr/bin/bzip2'),
    make: (p) => sh(`head -c 225M /dev/urandom | base64 | bzip2 -1 -c > '${p}'`),
    expect: 0,
  },
  '7z-600m-base64.7z': {
    needs: () => existsSync('/usr/bin/7z'),
    make: (p, d) => {
      const t = join(d, 'data.txt');
      sh(`head -c 450M /dev/urandom | base64 > '${t}' && 7z a -bd -mx1 '${p}' '${t}' && rm '${t}'`);
    },
    expect: 0,
  },
  '7z-1g-zeros.7z': {
    // One entry of exactly maxEntryBytes (1 GiB of zeros, 224 KB packed): the largest entry the limits let through.
    needs: () => existsSync('/usr/bin/7z'),
    make: (p) => sh(`head -c 1073741824 /dev/zero | 7z a -bd -si'zeros.pkl' -mx1 '${p}' >/dev/null`),
    expect: 0,
  },
  '7z-600m-pickle.7z': {
    needs: () => existsSync('/usr/bin/7z') && existsSync(PY),
    make: (p, d) => {
      const t = join(d, 'model.pkl');
      py(PICKLE, t, '600');
      sh(`7z a -bd -mx1 '${p}' '${t}' && rm '${t}'`);
    },
    expect: 1,
  },
};

const scanOnce = (path) => scanOnceWith(cli, path, 900_000);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'sentinel-bench-big-'));
mkdirSync(dir, { recursive: true });
console.log(`big real inputs (default limits), ${RUNS} run(s) each, CLI ${cli}, load average ${load()}`);
console.log('input                       size MB  wall s (median [range])  CPU s  peak RSS MB  exit  rules  goal');
try {
  for (const [name, { needs, make, expect }] of Object.entries(INPUTS)) {
    if (ONLY.length > 0 && !ONLY.includes(name)) continue;
    if (!needs()) {
      console.log(`${name.padEnd(28)} skipped (tool missing)`);
      continue;
    }
    const path = join(dir, name);
    if (!existsSync(path)) make(path, dir);
    const size = statSync(path).size / MiB;
    const runs = Array.from({ length: RUNS }, () => scanOnce(path));
    const { secs, med, cpu, rss, rules } = summarize(runs);
    const ok = rss < 512 && runs.every((r) => r.code === expect);
    console.log(
      `${name.padEnd(28)}${size.toFixed(0).padStart(7)}  ${med.toFixed(2).padStart(7)} [${secs[0].toFixed(2)}–${secs[secs.length - 1].toFixed(2)}]`.padEnd(
        64,
      ) +
        `${cpu.toFixed(2).padStart(6)}  ${rss.toFixed(0).padStart(8)}      ${runs.map((r) => r.code).join('/')}   ` +
        `${rules.join(',') || '-'}  ${ok ? 'ok' : `MISSED (expected exit ${expect}, RSS < 512)`}`,
    );
  }
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
console.log(`load average after: ${load()}`);
