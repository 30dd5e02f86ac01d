/**
 * Call lines on a small C file written for this test (no kernel text): each step of a
 * variant finds the line of its own call in its caller, by what it does.
 */
import type { Parser } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, eff, FILES, fn, note } from '../engine/variants/dsl';
import { mailSource, MAIL } from '../engine/variants/sources';
import type { VariantDef } from '../engine/variants/types';
import { callLines } from './callLines';
import { nodeCParser } from './node';
import { parseAndExtract } from './parser';
import type { TreeImport } from './ir';

let parser: Parser;
beforeAll(async () => {
  parser = await nodeCParser();
});

// Line numbers are the snippet's own: line 1 is "int outer(void)".
const SNIPPET = [
  'int outer(void)', //                                   1
  '{', //                                                 2
  '\tint r;', //                                          3
  '\tlog_something();', //                                4
  '\tinner();', //                                        5
  '\tr = ops->hardware_setup();', //                      6
  '\tif (r)', //                                          7
  '\t\tgoto out;', //                                     8
  '\tinner();', //                                        9
  '\treturn 0;', //                                      10
  'out:', //                                             11
  '\tkmem_cache_destroy(pte_list_desc_cache);', //      12
  '\treturn r;', //                                      13
  '}', //                                                14
].join('\n');

function tree(): TreeImport {
  return {
    version: '9.9.0',
    files: [parseAndExtract(parser, SNIPPET, FILES.x86, ['outer'], {})],
    absent: [],
  };
}

const variant = (functions: VariantDef['functions']): VariantDef =>
  ({ id: 'v5.19', tree: 'v5.19', kind: 'shipped', functions }) as unknown as VariantDef;

const outer = (body: Parameters<typeof fn>[2], labels: Parameters<typeof fn>[3] = []) =>
  fn(
    'v5.19',
    { name: 'outer', file: FILES.x86, returns: 'int', owner: 'kvm', summary: '' },
    body,
    labels,
  );

describe('call lines', () => {
  it('gives each call step the line of its own call, the n-th step of a callee the n-th call', () => {
    const f = outer(
      [call('inner'), call('@hardware_setup', { onError: 'out' }), call('inner')],
      [['out', [eff({ kind: 'kmem_cache_destroy', cache: 'pte_list_desc' })]]],
    );
    const { lines, unmatched } = callLines(tree(), [variant({ outer: f })]);
    expect(lines).toEqual({
      'outer/inner': 5,
      'outer/ops->hardware_setup': 6,
      'outer/inner#2': 9,
      'outer@out/kmem_cache_destroy:pte_list_desc': 12,
    });
    expect(unmatched).toEqual([]);
  });

  it('says why a step has no line: a call the C does not make, a function the tree lacks', () => {
    const f = outer([call('inner'), call('never_called'), note('log_something()', 'a note')]);
    const g = fn(
      'v5.19',
      { name: 'elsewhere', file: FILES.x86, returns: 'void', owner: 'kvm', summary: '' },
      [call('inner')],
    );
    const { lines, unmatched } = callLines(tree(), [variant({ outer: f, elsewhere: g })]);
    expect(lines).toEqual({ 'outer/inner': 5 });
    expect(unmatched).toEqual([
      { id: 'elsewhere/inner', why: 'elsewhere is not in the tree' },
      { id: 'outer/never_called', why: 'no such call in its caller' },
    ]);
  });

  it('leaves a function a patch changed to its mail', () => {
    const f = fn(
      'v5.19',
      {
        name: 'outer',
        file: FILES.x86,
        returns: 'int',
        owner: 'kvm',
        summary: '',
        src: mailSource(MAIL.p2),
      },
      [call('inner')],
    );
    expect(f.body[0]!.src).toEqual(mailSource(MAIL.p2));
    expect(callLines(tree(), [variant({ outer: f })])).toEqual({ lines: {}, unmatched: [] });
  });

  it('puts a decision the catalogue places last at the last assignment, as the importer does', () => {
    const src = ['void setup(void)', '{', '\tnpt_enabled = false;', '\tnpt_enabled = 0;', '}'];
    const t: TreeImport = {
      version: '9.9.0',
      files: [
        parseAndExtract(parser, src.join('\n'), FILES.svm, ['setup'], { globals: ['npt_enabled'] }),
      ],
      absent: [],
    };
    const f = fn(
      'v5.19',
      { name: 'setup', file: FILES.svm, returns: 'void', owner: 'svm', summary: '' },
      [eff({ kind: 'svm_decide_npt' })],
    );
    expect(callLines(t, [variant({ setup: f })]).lines).toEqual({ 'setup/svm_decide_npt': 4 });
  });

  it('refuses two variants that put one step at two lines', () => {
    const a = outer([call('inner')]);
    const b = outer([call('@hardware_setup'), call('inner')]);
    // In b the first inner() call is still line 5: the same id, the same line.
    expect(
      callLines(tree(), [variant({ outer: a }), variant({ outer: b })]).lines['outer/inner'],
    ).toBe(5);
    const c = outer([call('inner'), call('inner')]);
    const d = { ...c, body: [c.body[1]!, c.body[0]!] };
    expect(() => callLines(tree(), [variant({ outer: c }), variant({ outer: d })])).toThrow(
      /outer\/inner.*line 9 in one variant, 5 in another|line 5 in one variant, 9 in another/,
    );
  });
});
