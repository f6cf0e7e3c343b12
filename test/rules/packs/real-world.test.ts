// Real benign files the libraries themselves ship (test data their own released versions wrote), listed with their
// repository, commit, path and sha256 in test/fixtures/real-world/manifest.json (scripts/data/real-world-manifest.py):
// every one passes the gate except the few named below with why, and every admitted global names its pack and the
// library versions its entry was reviewed in. The files are read from git mirrors and the Debian installation; they
// are never committed, so the test skips, naming the command that brings them, when none is present.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { gitBlobs, mirrorsAbsent } from '../../helpers/mirrors.js';

interface Entry {
  source: 'git' | 'debian';
  repository?: string;
  library?: string;
  package?: string;
  commit?: string;
  path: string;
  sha256: string;
  kind: string;
}

const MANIFEST = new URL('../../fixtures/real-world/manifest.json', import.meta.url);
const MIRRORS = process.env.SENTINEL_MIRRORS ?? '/work/.mirror';
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

/**
 * The files that still fail the gate, and why (each is a decision, not a gap in the packs: see README "History
 * packs"). Keyed by repository and path.
 */
const STILL_BLOCKED: Record<string, string> = {
  // morfessor is not one of the libraries with a pack.
  'piskvorky/gensim:gensim/test/test_data/varembed_morfessor.bin': 'morfessor.baseline',
  'piskvorky/gensim:gensim/test/test_data/varembed_leecorpus_morfessor.bin': 'morfessor.baseline',
  // Torch checkpoints of projects built on torch (their test data; torch ships none that fetch can bring):
  // - AllenNLP's ELMo alignment matrices are numpy arrays saved with torch.save: the numpy names are admitted, but
  //   torch.load(weights_only=True) (the default from torch 2.6) refuses them, which TORCH-LOAD-UNTRUSTED reports
  //   by design (every consumer is forced onto the unsafe loader).
  'allenai/allennlp:allennlp/tests/fixtures/elmo_multilingual/en/align.pth': 'weights_only=True',
  'allenai/allennlp:allennlp/tests/fixtures/elmo_multilingual/fr/align.pth': 'weights_only=True',
  'allenai/allennlp:allennlp/tests/fixtures/elmo_multilingual/it/align.pth': 'weights_only=True',
  // Not benign by design: AllenNLP's test that an archive's symlink out of its folder is refused, and a dill pickle
  // that serialises code (checklist's test suite).
  'allenai/allennlp:test_fixtures/common/external_symlink.tar.gz': 'SYMLINK_ENTRY',
  'allenai/allennlp:test_fixtures/task_suites/fake_suite.tar.gz': 'dill._dill._create_code',
  // skorch is not one of the libraries with a pack (its nets also hold torch.optim optimizers, whose __setstate__
  // hooks the torch allowlist has not reviewed, and torch.utils.data.DataLoader).
  'skorch-dev/skorch:skorch/tests/model_0.5.0.pkl': 'skorch.classifier.NeuralNetClassifier',
  'skorch-dev/skorch:skorch/tests/net_cuda.pkl': 'skorch.',
};

/**
 * The measured gap, not a decision: pandas files (its legacy pickles, written by pandas 0.7 - 1.3) blocked at least for
 * names of pandas. The history pack admits every older pandas name its legacy pickles hold (scripts/data/history/pandas.py),
 * and the 1.3.5 legacy pickle's blocks, functools.partial(new_block, ndim=n)(values, placement), are admitted in that
 * exact shape (src/analyzers/pickle/vetted-uses.ts CALLED_PARTIALS). Counted exactly, so a file that starts or stops
 * passing changes the number here, and any other block still fails the test.
 */
const PANDAS_GAP = 0;
const PANDAS_NAME =
  /(?:GLOBAL|INST) imports (?:pandas\.|functools\.partial)|argument 0 is pandas\.|via pandas\.core\.index\._new_Index\./;

/** What a pickle whose companion files were not read is blocked for (src/scan/companion-files.ts). */
const COMPANION_ABSENT = 'the file beside it is not in this scan';

/** Each entry's bytes, or undefined when absent (no mirror, or a mirror of another snapshot that lacks the commit). */
function bytesOf(entries: readonly Entry[]): (Uint8Array | undefined)[] {
  const bytes = new Map<Entry, Uint8Array | undefined>();
  for (const repository of new Set(entries.map((e) => e.repository))) {
    if (repository === undefined) continue;
    const repo = join(MIRRORS, repository.replace('/', '+'), 'repo');
    if (!existsSync(repo)) continue;
    const rows = entries.filter((e) => e.source === 'git' && e.repository === repository);
    const blobs = gitBlobs(
      repo,
      rows.map((e) => `${e.commit}:${e.path}`),
    );
    rows.forEach((e, i) => bytes.set(e, blobs[i]));
  }
  return entries.map((e) =>
    e.source === 'debian' ? (existsSync(e.path) ? readFileSync(e.path) : undefined) : bytes.get(e),
  );
}

const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: Entry[] };
const read = bytesOf(manifest.files);
const present = manifest.files.map((e, i) => ({ e, bytes: read[i] })).filter((x) => x.bytes !== undefined);
const repos = [...new Set(manifest.files.filter((e) => e.repository).map((e) => e.repository!))];
const skip = present.length === 0 ? mirrorsAbsent('no real-world file present', repos, 'manifest.json') : false;

describe('real files the libraries ship', { skip }, () => {
  it('the manifest lists each file once, with its source', () => {
    assert.ok(manifest.files.length >= 200, `${manifest.files.length} files`);
    assert.equal(new Set(manifest.files.map((e) => e.sha256)).size, manifest.files.length);
    for (const e of manifest.files) assert.ok(e.source === 'debian' || (e.repository && e.commit), e.path);
  });

  it('pass the gate (except the files named with why), each admitted global naming its pack and versions', async () => {
    const blocked: string[] = [];
    const companionOnly: string[] = [];
    const pandasGap: string[] = [];
    for (const { e, bytes } of present) {
      const key = e.repository ? `${e.repository}:${e.path}` : e.path;
      assert.equal(createHash('sha256').update(bytes!).digest('hex'), e.sha256, `${key}: not the listed content`);
      const r = await scanBytes(basename(e.path), bytes!);
      const blocking = r.findings.filter((f) => BLOCKING.has(f.severity));
      // Scanned here as bytes, without the folder: a joblib < 0.10 dump's companion .npy files (which joblib.load
      // reads beside it) cannot be read, and that alone blocks it. Scanned where it lies, the companions are read.
      if (blocking.length && blocking.every((f) => f.evidence.signal.includes(COMPANION_ABSENT))) {
        companionOnly.push(key);
        continue;
      }
      if (
        blocking.length &&
        STILL_BLOCKED[key] === undefined &&
        (e.library === 'pandas' || e.package === 'python3-pandas') &&
        blocking.some((f) => PANDAS_NAME.test(f.evidence.signal))
      ) {
        pandasGap.push(key);
        continue;
      }
      if (blocking.length) {
        blocked.push(key);
        const why = STILL_BLOCKED[key];
        assert.ok(why, `${key} (${e.kind}) blocked: ${blocking.map((f) => f.evidence.signal).join('; ')}`);
        assert.ok(
          blocking.some((f) => f.evidence.signal.includes(why)),
          `${key}: blocked for another reason than ${why}`,
        );
        continue;
      }
      for (const p of r.pickles)
        for (const a of p.admitted ?? [])
          assert.ok(a.pack && a.versions && a.reading, `${key}: ${a.name} without pack/versions/reading`);
    }
    const expected = Object.keys(STILL_BLOCKED).filter((k) =>
      present.some(({ e }) => (e.repository ? `${e.repository}:${e.path}` : e.path) === k),
    );
    assert.deepEqual([...new Set(blocked)].sort(), expected.sort());
    if (present.length === manifest.files.length)
      assert.equal(
        pandasGap.length,
        PANDAS_GAP,
        `pandas files blocked for older pandas names: ${pandasGap.join(', ')}`,
      );
    assert.ok(
      companionOnly.every((k) => /joblib/.test(k)),
      `only joblib dumps have companion files: ${companionOnly.join(', ')}`,
    );
  });

  it('names admitted by a history pack carry the released versions', async () => {
    const old = present.find(({ e }) => e.path.endsWith('test_data/d2v_0.12.0.mdl'));
    if (old === undefined) return;
    const r = await scanBytes('d2v_0.12.0.mdl', old.bytes!);
    const docvecs = r.pickles.flatMap((p) => p.admitted ?? []).find((a) => a.name.endsWith('DocvecsArray'));
    assert.deepEqual(docvecs, {
      name: 'gensim.models.doc2vec.DocvecsArray',
      pack: 'gensim',
      versions: 'gensim 0.12.0 - 3.2.0',
    });
  });
});
