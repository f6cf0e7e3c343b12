// gensim's TaggedDocument, the namedtuple of (words, tags) a Doc2Vec training corpus is a list of: pickle.dump writes
// NEWOBJ of the class with the two fields (no BUILD). Streams written opcode by opcode, with hostile twins (the class
// called, a call planted as a field), and files Debian's gensim saved (scripts/fixtures/gensim-corpus.py).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const MARK = 0x28;
const APPENDS = 0x65;

/** os.system('id'): the planted call of the hostile twins. */
const payload = (p: P): P => p.global('os', 'system').bu('id').tuple1().reduce();

interface Corpus {
  /** How one document is made (default: NEWOBJ of the class with (words, tags)). */
  doc?: (p: P) => P;
}

/** A list of two TaggedDocuments as pickle.dump writes a Doc2Vec corpus (protocol 3). */
function corpus(c: Corpus = {}): Uint8Array {
  let p = new P().proto(3).emptyList().op(MARK);
  for (let i = 0; i < 2; i++) {
    p = p.global('gensim.models.doc2vec', 'TaggedDocument');
    p = c.doc
      ? c.doc(p)
      : p.emptyList().op(MARK).bu('human').bu('computer').op(APPENDS).emptyList().int(i).op(0x61).tuple2().newobj();
  }
  return p.op(APPENDS).stop().bytes();
}

async function verdict(bytes: Uint8Array): Promise<{ blocking: string[]; signals: string }> {
  const r = await scanBytes('m.pkl', bytes);
  const b = r.findings.filter((f) => BLOCKING.has(f.severity));
  return { blocking: b.map((f) => f.ruleId), signals: b.map((f) => f.evidence.signal).join(' | ') };
}

describe("gensim's TaggedDocument in a saved corpus", () => {
  const cases: [string, Corpus, RegExp | null][] = [
    ['benign: NEWOBJ of the namedtuple with (words, tags)', {}, null],
    [
      'hostile: the class called (REDUCE) instead of rebuilt through __new__',
      { doc: (p) => p.emptyList().emptyList().tuple2().reduce() },
      /TaggedDocument/,
    ],
    ['hostile: a call planted as the words', { doc: (p) => payload(p).emptyList().tuple2().newobj() }, /system/],
  ];
  for (const [name, c, hit] of cases) {
    it(name, async () => {
      const v = await verdict(corpus(c));
      if (hit === null) assert.deepEqual(v.blocking, [], v.signals);
      else {
        assert.ok(v.blocking.length > 0, name);
        assert.match(v.signals, hit);
      }
    });
  }
});

describe('files: corpora saved by Debian gensim', () => {
  for (const dir of ['gensim-corpus']) {
    const root = new URL(`../../fixtures/${dir}/`, import.meta.url).pathname;
    const manifest = JSON.parse(readFileSync(`${root}manifest.json`, 'utf8')) as {
      files: { file: string; expect: string; what: string }[];
    };
    for (const f of manifest.files) {
      it(`${f.expect}: ${dir}/${f.file} (${f.what})`, async () => {
        const v = await verdict(readFileSync(`${root}${f.file}`));
        if (f.expect === 'benign') assert.deepEqual(v.blocking, [], v.signals);
        else assert.ok(v.blocking.includes('PICKLE-EXEC'), v.blocking.join(', '));
      });
    }
  }
});
