// functools.partial stays refused by the python pack (a partial stores a callable the library calls later, with the
// stream's arguments bound). gensim's TfidfModel (3.4+) stores its SMART weighting as functools.partial(f,
// <scheme>=<one letter>), and gensim's own TF-IDF test models were blocked for it. A partial is admitted in a stream
// when the VM proves every use of the import is that shape (vetted-uses.ts): REDUCE(partial, (f,)) with f one of the
// SMART functions the gensim history pack admits as references (each compares the scheme with str literals and does
// numpy arithmetic on the library's arrays), then one BUILD with partial.__reduce__'s state (f, args, keywords,
// __dict__) whose bound arguments are plain data and whose __dict__ is empty; the partial is never called, changed or
// built again, and the import is used nowhere else. The admitted partial names the gensim pack and the versions of
// the function it wraps.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const TFIDF = 'gensim.models.tfidfmodel';

type Twin =
  | 'none'
  | 'other-function'
  | 'object-argument'
  | 'called'
  | 'newobj'
  | 'instance-dict'
  | 'built-twice'
  | 'stray-reference';

/** A TfidfModel whose wlocal is functools.partial(smartirs_wlocal, local_scheme='n'), changed as `twin` says. */
function tfidf(twin: Twin): Uint8Array {
  const [fm, fn] = twin === 'other-function' ? ['gensim.utils', 'identity'] : [TFIDF, 'smartirs_wlocal'];
  const p = new P().proto(4);
  p.global(TFIDF, 'TfidfModel').emptyTuple().newobj();
  p.emptyDict().sbu('wlocal');
  if (twin === 'newobj') p.global('functools', 'partial').emptyTuple().newobj();
  else p.global('functools', 'partial').global(fm, fn).op(0x85).reduce(); // TUPLE1, REDUCE
  p.binput(9);
  // BUILD with partial.__reduce__'s state: (f, args, keywords, __dict__)
  p.mark().global(fm, fn).emptyTuple().emptyDict().sbu('local_scheme');
  if (twin === 'object-argument') p.global('gensim.utils', 'SaveLoad').emptyTuple().newobj();
  else p.sbu('n');
  p.setitem();
  if (twin === 'instance-dict') p.emptyDict().sbu('extra').sbu('x').setitem();
  else p.none();
  p.op(0x74).build(); // TUPLE, BUILD
  p.setitem(); // model state['wlocal'] = the partial
  if (twin === 'stray-reference') p.sbu('spare').global('functools', 'partial').setitem();
  p.build();
  if (twin === 'called') p.binget(9).sbu('x').op(0x85).reduce().pop();
  if (twin === 'built-twice') p.binget(9).emptyDict().build().pop();
  return p.stop().bytes();
}

async function scan(bytes: Uint8Array) {
  const r = await scanBytes('tfidf.model', bytes);
  return {
    blocking: r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.evidence.signal),
    admitted: r.pickles.flatMap((x) => x.admitted ?? []),
  };
}

describe('functools.partial over gensim TF-IDF weighting functions', () => {
  it('partial(smartirs_wlocal, local_scheme="n") as TfidfModel writes it passes, naming gensim and versions', async () => {
    const { blocking, admitted } = await scan(tfidf('none'));
    assert.deepEqual(blocking, []);
    const partial = admitted.find((a) => a.name === 'functools.partial');
    assert.equal(partial?.pack, 'gensim');
    assert.match(partial?.versions ?? '', /\d+\.\d+\.\d+ - \d+\.\d+\.\d+/);
    const f = admitted.find((a) => a.name === `${TFIDF}.smartirs_wlocal`);
    assert.equal(f?.pack, 'gensim');
  });

  const twins: [string, Twin][] = [
    ['a partial of a function that is not a SMART weighting function', 'other-function'],
    ['an object as the bound scheme', 'object-argument'],
    ['the partial called in the stream', 'called'],
    ['a partial made by NEWOBJ', 'newobj'],
    ['a partial whose __dict__ is not empty', 'instance-dict'],
    ['the partial built a second time', 'built-twice'],
    ['a reference to functools.partial used outside the shape', 'stray-reference'],
  ];
  for (const [name, twin] of twins) {
    it(`hostile twin blocks: ${name}`, async () => {
      const { blocking } = await scan(tfidf(twin));
      assert.ok(blocking.length > 0, 'passes');
    });
  }
});
