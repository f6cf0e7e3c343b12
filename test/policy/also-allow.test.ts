// Allowlist-extension discipline (the allowlist-extension rules): refusals of whole modules, the forbidden modules and every alias,
// and names the dangerous-call table lists — each with a reason — and what is accepted; per-scan scoping.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkAllowEntry, FORBIDDEN_MODULES } from '../../src/policy/also-allow.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { scanBytes } from '../../src/scan/engine.js';
import { allowEntry } from '../../src/rules/data/allowlist.js';
import { P } from '../helpers/pickle-builder.js';

function refused(entry: string): string {
  const r = checkAllowEntry(entry);
  assert.equal(r.ok, false, `${entry} should be refused`);
  return r.ok ? '' : r.reason;
}

describe('refused entries', () => {
  it('every forbidden module of the allowlist-extension rules is refused, naming the module', () => {
    assert.deepEqual(Object.keys(FORBIDDEN_MODULES), [
      'os',
      'subprocess',
      'sys',
      'builtins',
      'eval',
      'exec',
      'shutil',
      'socket',
      'pickle',
      '_pickle',
      'code',
      'pty',
    ]);
    for (const m of Object.keys(FORBIDDEN_MODULES)) {
      const reason = refused(`${m}.anything`);
      assert.match(reason, new RegExp(`"${m}" `), reason);
      assert.match(reason, /the allowlist discipline never allows/);
    }
  });

  const aliases: [string, string][] = [
    ['posix.system', 'os'],
    ['nt.system', 'os'],
    ['posixpath.join', 'os'],
    ['ntpath.join', 'os'],
    ['__builtin__.eval', 'builtins'],
    ['__builtins__.getattr', 'builtins'],
    ['_posixsubprocess.fork_exec', 'subprocess'],
    ['_subprocess.Popen', 'subprocess'],
    ['commands.getoutput', 'subprocess'],
    ['cPickle.loads', 'pickle'],
    ['_socket.socket', 'socket'],
    ['os.path.join', 'os'],
    ['subprocess.Popen.__init__', 'subprocess'],
    ['mylib.os', 'os'],
    ['mylib.eval', 'eval'],
  ];
  for (const [entry, target] of aliases) {
    it(`${entry} → refused as ${target}`, () => {
      assert.match(refused(entry), new RegExp(`"${target}"`));
    });
  }

  it('_pickle is refused as itself (it is on the seed list)', () => {
    assert.match(refused('_pickle.loads'), /"_pickle" /);
  });

  it('whole modules, wildcards and malformed names are refused', () => {
    assert.match(refused('mylib'), /whole module/);
    assert.match(refused('torch'), /whole module/);
    assert.match(refused('mylib.*'), /wildcards are refused/);
    assert.match(refused('mylib.'), /not a dotted Python name/);
    assert.match(refused('.Net'), /not a dotted Python name/);
    assert.match(refused('my-lib.Net'), /not a dotted Python name/);
    assert.match(refused('mylib..Net'), /not a dotted Python name/);
  });

  const dangerous: [string, RegExp][] = [
    ['_io.open', /io\.open/],
    ['io.FileIO', /io\.FileIO/],
    ['runpy.run_path', /entry "runpy"/],
    ['importlib.import_module', /entry "importlib"/],
    ['torch.hub.load', /dangerous/],
    ['numpy.load', /dangerous/],
    ['operator.attrgetter', /dangerous/],
    ['mylib.Model.__reduce__', /__reduce__/],
    ['mylib.Model.__weird__', /special attribute/],
  ];
  for (const [entry, why] of dangerous) {
    it(`${entry} is refused because the dangerous-call table lists it`, () => {
      const reason = refused(entry);
      assert.match(reason, /dangerous-call table marks/);
      assert.match(reason, why);
    });
  }
});

describe('accepted entries', () => {
  const ok: [string, string][] = [
    ['mylib.layers.Residual', 'mylib.layers.Residual'],
    ['mylib.Net', 'mylib.Net'],
    ['_io.BytesIO', 'io.BytesIO'],
    ['  spaced.Name  ', 'spaced.Name'],
  ];
  for (const [entry, canonical] of ok) {
    it(`${entry.trim()} → ${canonical}`, () => {
      const r = checkAllowEntry(entry);
      assert.equal(r.ok, true, r.ok ? '' : r.reason);
      if (r.ok) assert.equal(r.canonical, canonical);
    });
  }
});

describe('in the policy', () => {
  it('a refused entry is a path-addressed policy error that says why', () => {
    const r = parsePolicy(
      'also_allow:\n  - mylib.Net\n  - name: posix.system\n    justification: "trust me"\ntorch_safe_globals:\n  - builtins\n',
      'p.yml',
    );
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.line]),
      [
        ['also_allow[1].name', 3],
        ['torch_safe_globals[0]', 6],
      ],
    );
    assert.match(r.issues[0]!.message, /refused "posix\.system": "posix" is an alias of "os"/);
    assert.match(r.issues[1]!.message, /refused "builtins": .*torch_safe_globals takes a fully-qualified module\.name/);
  });

  it('a duplicate entry (also through an alias) is reported', () => {
    const r = parsePolicy('also_allow:\n  - _io.BytesIO\n  - io.BytesIO\n', 'p.yml');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.issues[0]!.message, /listed twice/);
  });

  it('extensions apply to the scan that uses them and never to the built-in allowlist', async () => {
    const pickle = new P().proto(4).stackGlobal('mylib.layers', 'Residual').stop().bytes();
    const plain = await scanBytes('m.pkl', pickle);
    assert.deepEqual(
      plain.findings.map((f) => f.ruleId),
      ['PICKLE-GLOBAL-IMPORT'],
    );
    const r = parsePolicy('also_allow:\n  - mylib.layers.Residual\n', 'p.yml');
    assert.ok(r.ok);
    if (!r.ok) return;
    const extended = await scanBytes('m.pkl', pickle, { extraAllow: r.policy.alsoAllow });
    assert.deepEqual(extended.findings, []);
    assert.equal(extended.pickles[0]!.safety, 'LIKELY_SAFE');
    const again = await scanBytes('m.pkl', pickle);
    assert.equal(again.findings.length, 1, 'a later scan without the policy sees the import again');
    assert.equal(allowEntry('mylib.layers.Residual'), undefined, 'the built-in packs are unchanged');
  });
});
