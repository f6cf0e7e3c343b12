#!/usr/bin/env node
// DESER precision on real code: scans installed Python code bases (Debian packages; paths are machine-specific, so
// this is not part of `npm test`) with `sentinel artifact <dir> --rule DESER --format json` and compares every
// non-test finding with the reviewed table in docs/deser-precision.md (TP/FP per rule, new unreviewed, stale).
// Usage: node scripts/deser-precision.mjs [--no-build] [--only=name,name] [--root=/usr/lib/python3/dist-packages]
// [--timeout=900] (seconds of wall time per code base; a scan that does not end is reported, and the run fails)
// [--save=DIR] (keeps each code base's JSON report as DIR/<name>.json, to read a new finding's evidence).
// SCAN-INCOMPLETE findings (a limit the DESER phase reached) are counted per code base beside the verdicts.
// Exit 0 when every finding is reviewed and precision ≥ 95 %; 1 otherwise; 2 when no target is present.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const site = opt('root', '/usr/lib/python3/dist-packages');
const timeoutS = Number(opt('timeout', 900));
const saveDir = opt('save', '');
const only = opt('only', '')
  .split(',')
  .filter((s) => s !== '');

/** name → [directory, Debian package that ships it]. */
const TARGETS = {
  distributed: [join(site, 'distributed'), 'python3-distributed'],
  dask: [join(site, 'dask'), 'python3-dask'],
  tornado: [join(site, 'tornado'), 'python3-tornado'],
  zmq: [join(site, 'zmq'), 'python3-zmq'],
  jupyter_client: [join(site, 'jupyter_client'), 'python3-jupyter-client'],
  ipykernel: [join(site, 'ipykernel'), 'python3-ipykernel'],
  ipyparallel: [join(site, 'ipyparallel'), 'python3-ipyparallel'],
  torch: [join(site, 'torch'), 'python3-torch'],
  joblib: [join(site, 'joblib'), 'python3-joblib'],
  celery: [join(site, 'celery'), 'python3-celery'],
  kombu: [join(site, 'kombu'), 'python3-kombu'],
  billiard: [join(site, 'billiard'), 'python3-billiard'],
  werkzeug: [join(site, 'werkzeug'), 'python3-werkzeug'],
  flask: [join(site, 'flask'), 'python3-flask'],
  aiohttp: [join(site, 'aiohttp'), 'python3-aiohttp'],
  websockets: [join(site, 'websockets'), 'python3-websockets'],
  redis: [join(site, 'redis'), 'python3-redis'],
  cloudpickle: [join(site, 'cloudpickle'), 'python3-cloudpickle'],
  dill: [join(site, 'dill'), 'python3-dill'],
  paramiko: [join(site, 'paramiko'), 'python3-paramiko'],
  Pyro4: [join(site, 'Pyro4'), 'python3-pyro4'],
  rpyc: [join(site, 'rpyc'), 'python3-rpyc'],
  mpi4py: [join(site, 'mpi4py'), 'python3-mpi4py'],
  rq: [join(site, 'rq'), 'python3-rq'],
  cachelib: [join(site, 'cachelib'), 'python3-cachelib'],
  django: [join(site, 'django'), 'python3-django'],
  dogpile: [join(site, 'dogpile'), 'python3-dogpile.cache'],
  pymemcache: [join(site, 'pymemcache'), 'python3-pymemcache'],
  diskcache: [join(site, 'diskcache'), 'python3-diskcache'],
  execnet: [join(site, 'execnet'), 'python3-execnet'],
  twisted: [join(site, 'twisted'), 'python3-twisted'],
  multiprocessing: ['/usr/lib/python3.11/multiprocessing', 'libpython3.11-stdlib'],
  fastapi: [join(site, 'fastapi'), 'python3-fastapi'],
  starlette: [join(site, 'starlette'), 'python3-starlette'],
  uvicorn: [join(site, 'uvicorn'), 'python3-uvicorn'],
  falcon: [join(site, 'falcon'), 'python3-falcon'],
  cherrypy: [join(site, 'cherrypy'), 'python3-cherrypy3'],
  gunicorn: [join(site, 'gunicorn'), 'python3-gunicorn'],
  grpc: [join(site, 'grpc'), 'python3-grpcio'],
  pika: [join(site, 'pika'), 'python3-pika'],
  kafka: [join(site, 'kafka'), 'python3-kafka'],
  scrapy: [join(site, 'scrapy'), 'python3-scrapy'],
  pandas: [join(site, 'pandas'), 'python3-pandas'],
  sklearn: [join(site, 'sklearn'), 'python3-sklearn'],
  scipy: [join(site, 'scipy'), 'python3-scipy'],
  numpy: [join(site, 'numpy'), 'python3-numpy'],
  statsmodels: [join(site, 'statsmodels'), 'python3-statsmodels'],
  gensim: [join(site, 'gensim'), 'python3-gensim'],
  xgboost: [join(site, 'xgboost'), 'python3-xgboost'],
  networkx: [join(site, 'networkx'), 'python3-networkx'],
  onnx: [join(site, 'onnx'), 'python3-onnx'],
};

if (!args.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const { isTestPath } = await import(join(root, 'dist/analyzers/python/test-code.js'));

/** Reviewed rows of docs/deser-precision.md: `| repo | file:line | rule | TP/FP | reason |`. */
function reviewed() {
  const rows = new Map();
  const text = readFileSync(join(root, 'docs/deser-precision.md'), 'utf8');
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || !/^(TP|FP)$/.test(cells[4] ?? '')) continue;
    const where = cells[2].replace(/`/g, '');
    rows.set(`${cells[1]} ${where} ${cells[3]}`, { verdict: cells[4], reason: cells[5] });
  }
  return rows;
}

function pyFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) pyFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

function version(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '?';
}

const table = reviewed();
const seen = new Set();
const perRule = new Map();
const unreviewed = [];
let totalLines = 0;
let scanned = 0;
const unfinished = [];
for (const [name, [dir, pkg]] of Object.entries(TARGETS)) {
  if (only.length > 0 && !only.includes(name)) continue;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    console.log(`${name}: not installed (${dir}; apt-get install -y ${pkg})`);
    continue;
  }
  scanned++;
  let lines = 0;
  for (const f of pyFiles(dir)) {
    if (isTestPath(relative(dir, f))) continue;
    lines += readFileSync(f, 'utf8').split('\n').length;
  }
  totalLines += lines;
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [join(root, 'bin/sentinel.js'), 'artifact', dir, '--rule', 'DESER', '--format', 'json'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      timeout: timeoutS * 1000,
    },
  );
  if (r.error !== undefined || r.signal !== null || r.stdout === '') {
    unfinished.push(name);
    console.log(`${name}: the scan did not finish (${r.error?.message ?? r.signal ?? 'no report'})`);
    continue;
  }
  const report = JSON.parse(r.stdout);
  if (saveDir !== '') {
    mkdirSync(saveDir, { recursive: true });
    writeFileSync(join(saveDir, `${name}.json`), r.stdout);
  }
  const counts = { TP: 0, FP: 0, new: 0, test: 0 };
  const incomplete = report.findings
    .filter((f) => f.ruleId === 'SCAN-INCOMPLETE' && /^maxDeser/.test(String(f.evidence.details?.limit ?? '')))
    .map((f) => String(f.evidence.details.limit));
  for (const f of report.findings) {
    if (!f.ruleId.startsWith('DESER-')) continue;
    if (f.evidence.details?.testCode === true) {
      counts.test++;
      continue;
    }
    const file = relative(dir, f.location.chain[0]);
    const key = `${name} ${file}:${f.location.line} ${f.ruleId}`;
    seen.add(key);
    const row = table.get(key);
    const rule = perRule.get(f.ruleId) ?? { TP: 0, FP: 0 };
    perRule.set(f.ruleId, rule);
    if (row === undefined) {
      counts.new++;
      unreviewed.push(`${key} (${f.evidence.confidence}) ${f.evidence.snippet?.split('\n')[0] ?? ''}`);
    } else {
      counts[row.verdict]++;
      rule[row.verdict]++;
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    `${name} ${version(pkg)}: ${lines} non-test lines, ${secs} s, TP ${counts.TP}, FP ${counts.FP}, ` +
      `unreviewed ${counts.new}, in test code ${counts.test}` +
      (incomplete.length > 0 ? `, DESER phase SCAN-INCOMPLETE: ${incomplete.join(', ')}` : ''),
  );
}
if (scanned === 0) {
  console.log('no target installed');
  process.exit(2);
}
const stale = [...table.keys()].filter((k) => !seen.has(k) && (only.length === 0 || only.includes(k.split(' ')[0])));
let tp = 0;
let fp = 0;
console.log(`\n${scanned} code bases, ${totalLines} non-test lines of Python`);
for (const [rule, c] of [...perRule].sort()) {
  tp += c.TP;
  fp += c.FP;
  const p = c.TP + c.FP === 0 ? 'n/a' : `${((100 * c.TP) / (c.TP + c.FP)).toFixed(1)} %`;
  console.log(`${rule}: TP ${c.TP}, FP ${c.FP}, precision ${p}`);
}
const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
console.log(`all DESER rules: TP ${tp}, FP ${fp}, precision ${(100 * precision).toFixed(1)} %`);
for (const u of unreviewed) console.log(`unreviewed: ${u}`);
for (const s of stale) console.log(`reviewed but no longer reported: ${s} (${table.get(s).verdict})`);
for (const u of unfinished) console.log(`did not finish within ${timeoutS} s: ${u}`);
process.exit(unreviewed.length === 0 && unfinished.length === 0 && precision >= 0.95 ? 0 : 1);
