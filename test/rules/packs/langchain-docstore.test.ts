// LangChain's pickled vector-store docstores (the index.pkl FAISS.save_local writes: its InMemoryDocstore and the
// index-to-id dict), as releases of the pydantic 1 era write them: the real files (scripts/fixtures/langchain-docstore.py,
// LangChain v0.0.100, v0.0.150 and v0.0.205 with pydantic 1.10) pass, their hostile twins are blocked. A Document is a
// pydantic 1 model, rebuilt by BaseModel.__setstate__, which stores its fields and private attributes with
// object.__setattr__: the pack admits it with the state pydantic writes only (pydantic-state.ts), checked below on
// states built with the opcode builder.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { P } from '../../helpers/pickle-builder.js';
import { blocking } from '../../helpers/blocking.js';
import { releasedOutputTable } from '../../helpers/released-output.js';

const ROOT = new URL('../../fixtures/langchain-docstore/', import.meta.url).pathname;

releasedOutputTable('LangChain', ROOT, 'langchain');

type Fields = 'plain' | 'special' | 'payload' | 'not-dict';
type FieldsSet = 'set' | 'set-call' | 'set-of-object' | 'list' | 'missing';
type Private = 'none' | 'lc-kwargs' | 'public-name' | 'class' | 'payload' | 'not-dict';
interface Case {
  readonly fields?: Fields;
  readonly fieldsSet?: FieldsSet;
  readonly priv?: Private;
  readonly extra?: boolean;
  readonly notDict?: boolean;
}

/** A Document as pydantic 1's BaseModel.__getstate__ writes it (NEWOBJ, BUILD of its state dict), or a twin. */
function documentPickle(module: string, c: Case): Uint8Array {
  const p = new P().proto(4).global(module, 'Document').emptyTuple().newobj();
  if (c.notDict === true) return p.sbu('page_content').build().stop().bytes();
  p.emptyDict().sbu('__dict__');
  const fields = c.fields ?? 'plain';
  if (fields === 'not-dict') p.sbu('page_content');
  else {
    p.emptyDict().sbu('page_content').sbu('text').setitem();
    if (fields === 'special') p.sbu('__setstate__').sbu('x').setitem();
    if (fields === 'payload') p.sbu('metadata').call('os', 'system', 'id').setitem();
    else p.sbu('metadata').emptyDict().sbu('source').sbu('a.txt').setitem().setitem();
  }
  p.setitem();
  const fieldsSet = c.fieldsSet ?? 'set';
  if (fieldsSet !== 'missing') {
    p.sbu('__fields_set__');
    if (fieldsSet === 'set')
      p.op(0x8f).mark().sbu('page_content').sbu('metadata').op(0x90); // EMPTY_SET, ADDITEMS
    else if (fieldsSet === 'set-call')
      p.global('builtins', 'set').mark().sbu('page_content').sbu('metadata').op(0x6c).tuple1().reduce(); // LIST
    else if (fieldsSet === 'set-of-object') p.op(0x8f).mark().global('subprocess', 'Popen').op(0x90);
    else p.emptyList();
    p.setitem();
  }
  const priv = c.priv ?? 'none';
  if (priv !== 'none') {
    p.sbu('__private_attribute_values__');
    if (priv === 'not-dict') p.emptyList();
    else {
      p.emptyDict();
      if (priv === 'lc-kwargs') p.sbu('_lc_kwargs').emptyDict().sbu('page_content').sbu('text').setitem();
      else if (priv === 'public-name') p.sbu('page_content').sbu('y');
      else if (priv === 'class') p.sbu('__class__').global('langchain.docstore.in_memory', 'InMemoryDocstore');
      else p.sbu('_lc_kwargs').call('os', 'system', 'id');
      p.setitem();
    }
    p.setitem();
  }
  if (c.extra === true) p.sbu('__weakref__').none().setitem();
  return p.build().stop().bytes();
}

describe('LangChain Documents: the state pydantic 1 writes', () => {
  const cases: [string, Case, boolean][] = [
    ['fields and the fields set (pydantic < 1.7)', {}, false],
    ['with private attributes (Serializable._lc_kwargs)', { priv: 'lc-kwargs' }, false],
    ['the fields set written as set() of a list (protocol 2)', { fieldsSet: 'set-call' }, false],
    ['a field holding a call to os.system', { fields: 'payload' }, true],
    ['a private attribute holding a call to os.system', { priv: 'payload' }, true],
    ['a private name that is a field (object.__setattr__ of a public name)', { priv: 'public-name' }, true],
    ["a private name '__class__'", { priv: 'class' }, true],
    ['private attributes that are not a dict', { priv: 'not-dict' }, true],
    ['fields that set a special attribute', { fields: 'special' }, true],
    ['fields that are not a dict', { fields: 'not-dict' }, true],
    ['a fields set holding an imported object', { fieldsSet: 'set-of-object' }, true],
    ['a fields set that is a list', { fieldsSet: 'list' }, true],
    ['no fields set', { fieldsSet: 'missing' }, true],
    ['a key pydantic never writes', { extra: true }, true],
    ['a state that is not a dict', { notDict: true }, true],
  ];
  for (const module of ['langchain.schema', 'langchain.docstore.document']) {
    for (const [what, c, blocked] of cases) {
      it(`${module}.Document, ${what}: ${blocked ? 'blocked' : 'passes'}`, async () => {
        const found = await blocking('index.pkl', documentPickle(module, c));
        assert.equal(found.length > 0, blocked, found.join('\n'));
      });
    }
  }
});

describe('LangChain InMemoryDocstore: case table', () => {
  type Twin = 'plain' | 'payload' | 'called' | 'reference';
  const docstore = (twin: Twin): Uint8Array => {
    const p = new P().proto(4).global('langchain.docstore.in_memory', 'InMemoryDocstore');
    if (twin === 'called') p.emptyDict().tuple1().reduce();
    else p.emptyTuple().newobj();
    p.emptyDict().sbu('_dict');
    if (twin === 'payload') p.call('os', 'system', 'id');
    else if (twin === 'reference') p.global('subprocess', 'Popen');
    else p.emptyDict();
    return p.setitem().build().stop().bytes();
  };
  for (const twin of ['plain', 'payload', 'called', 'reference'] as const) {
    const blocked = twin !== 'plain';
    it(`${twin}: ${blocked ? 'blocked' : 'passes'}`, async () => {
      const found = await blocking('index.pkl', docstore(twin));
      assert.equal(found.length > 0, blocked, found.join('\n'));
    });
  }
});
