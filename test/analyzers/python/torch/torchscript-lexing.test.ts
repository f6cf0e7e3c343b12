// TorchScript code is read as torch's lexer reads it (torchscript-lexing.ts): its bytes as UTF-8 whatever a coding
// line says, a carriage return as a blank, not a line end, and each blank of a line's indentation as one column. Real archives (scripts/fixtures/torchscript-lexing.py,
// proved with torch 1.13 under torch.jit.load and torch.load(weights_only=True)): load code hidden from Python's
// reading by `# c<CR>'''` lines or by a UTF-7 coding line is found; the same lines around harmless code, and CR LF line
// ends, pass.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { asTorchScriptLexes, torchScriptText } from '../../../../src/analyzers/python/torch/torchscript-lexing.js';
import { archiveKinds, archiveBlocking } from './signal-helpers.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/torchscript-lexing');

describe('TorchScript lexing: the text the parser reads', () => {
  const CASES: [string, string, string][] = [
    ['no blank torch and Python read apart', 'a = 1\n  b = 2\n', 'a = 1\n  b = 2\n'],
    ['a lone CR in a comment', "# c\r  '''\nx\n", "# c   '''\nx\n"],
    ['CR LF line ends', 'a = 1\r\nb = 2\r\n', 'a = 1 \nb = 2 \n'],
    ['a form feed in the indentation', ' \f    x = 1\n', '      x = 1\n'],
    ['tabs and a vertical tab in the indentation', '\t\t\vx = 1\n', '   x = 1\n'],
    ['a tab after the indentation stays', 'x =\t1\n', 'x =\t1\n'],
  ];
  for (const [name, text, want] of CASES)
    it(name, () => {
      const got = asTorchScriptLexes(text);
      assert.equal(got, want);
      assert.equal(got.length, text.length);
    });
});

describe('TorchScript lexing: the bytes are UTF-8, whatever a coding line says', () => {
  it('a UTF-7 coding line changes nothing', () => {
    const text = '# coding: utf-7\nACM = ACM +ACM- 1\n';
    assert.equal(torchScriptText(Buffer.from(text, 'latin1')), text);
  });
  it('bytes that are not UTF-8 leave the ASCII around them', () => {
    const got = torchScriptText(Buffer.from([0x61, 0x3d, 0x27, 0x81, 0x5c, 0x27, 0x27, 0x0a]));
    assert.equal(got, "a='\ufffd\\''\n");
  });
});

describe('TorchScript lexing: a loop the form feed would have ended for Python', () => {
  it('the work inside the loop torch runs is charged as inside it', async () => {
    const lines = [
      'class M(Module):',
      '  __parameters__ = []',
      '  def __setstate__(self: __torch__.M, state: Tuple[Tensor, bool]) -> NoneType:',
      '    for _0 in range(60000):',
      '      _1 = torch.add(1, 1)',
      // torch: six blanks (inside the loop); Python without the lexing: a form feed resets the count to four.
      ' \f    _2 = torch.ones([1000000])',
      '    return None',
    ];
    // Read as Python reads it, the line is after the loop: one allocation of 10^6 elements, not charged.
    assert.deepEqual(await archiveKinds({ 'code/__torch__.py': lines }), []);
    const read = asTorchScriptLexes(lines.join('\n')).split('\n');
    assert.deepEqual(await archiveKinds({ 'code/__torch__.py': read }), [['code/__torch__.py', 'load-work-unbounded']]);
  });
});

describe('TorchScript lexing: real archives', () => {
  const CASES: [string, string[]][] = [
    ['hostile_cr_comment_diag.pt', ['TORCH-SCRIPT-CUSTOM-OP load-work-superlinear']],
    ['benign_cr_comment_diag.pt', []],
    ['benign_cr_line_ends.pt', []],
    ['hostile_coding_utf7_diag.pt', ['TORCH-SCRIPT-CUSTOM-OP load-work-superlinear']],
    ['benign_coding_utf7_diag.pt', []],
  ];
  for (const [name, want] of CASES)
    it(`${want.length > 0 ? 'block' : 'pass'}: ${name}`, async () => {
      assert.deepEqual(await archiveBlocking(FIXTURES, name), want);
    });
});
