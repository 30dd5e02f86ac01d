/**
 * The extraction on small C snippets written for these tests (no kernel text): each idiom the
 * importer must read, and the ways unpreprocessed macros bend the syntax tree.
 */
import type { Parser } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallItem, ExtractedFunction, Item } from './ir';
import { nodeCParser } from './node';
import { parseAndExtract } from './parser';

let parser: Parser;
beforeAll(async () => {
  parser = await nodeCParser();
});

const GLOBALS = ['enable_widget', 'use_fast_path', 'vendor_ops'];

function extract(src: string, names: string[]) {
  return parseAndExtract(parser, src, 'test.c', names, { globals: GLOBALS });
}

function fn(src: string, name = 'f'): ExtractedFunction {
  const f = extract(src, [name]).functions[0];
  if (!f) throw new Error(`${name} not found`);
  return f;
}

const calls = (f: ExtractedFunction): CallItem[] =>
  f.items.filter((i): i is CallItem => i.kind === 'call');
const call = (f: ExtractedFunction, callee: string): CallItem => {
  const c = calls(f).find((i) => i.callee === callee);
  if (!c) throw new Error(`no call to ${callee} in ${f.name}`);
  return c;
};
const kinds = (items: Item[]) =>
  items.map((i) =>
    i.kind === 'call'
      ? i.callee
      : i.kind === 'label'
        ? `${i.name}:`
        : i.kind === 'goto'
          ? `goto ${i.target}`
          : i.kind,
  );

describe('finding definitions', () => {
  it('walks nested declarators down to the name', () => {
    const src = [
      'struct widget *make_widget(int n)',
      '{',
      '\treturn alloc_widget(n);',
      '}',
      '',
      'static int (*pick_handler(int kind))(void *)',
      '{',
      '\treturn handlers[kind];',
      '}',
    ].join('\n');
    const r = extract(src, ['make_widget', 'pick_handler']);
    expect(r.missing).toEqual([]);
    expect(r.functions.map((f) => [f.name, f.line, f.header])).toEqual([
      ['make_widget', 1, 'ok'],
      ['pick_handler', 6, 'ok'],
    ]);
    expect(r.functions[0]!.returns).toBe('struct widget *');
  });

  it('finds functions whose header an __init attribute splits, and says so', () => {
    const src = [
      'static int __init start_a(void)',
      '{',
      '\treturn setup_a();',
      '}',
      'static __init int start_b(void)',
      '{',
      '\treturn setup_b();',
      '}',
      'void __init start_c(void)',
      '{',
      '\tsetup_c();',
      '}',
    ].join('\n');
    const r = extract(src, ['start_a', 'start_b', 'start_c']);
    expect(r.missing).toEqual([]);
    expect(r.functions.map((f) => [f.name, f.line, f.returns])).toEqual([
      ['start_a', 1, 'int'],
      ['start_b', 5, 'int'],
      ['start_c', 9, 'void'],
    ]);
    const [a, b, c] = r.functions;
    // `int __init name` and `void __init name` lose the name to a declaration missing its `;`.
    expect(a!.header).toBe('misparsed');
    expect(c!.header).toBe('misparsed');
    expect(a!.errors).toEqual([{ kind: 'MISSING', line: 1, endLine: 1 }]);
    // `__init int name` keeps the name but makes `int` an ERROR in the header.
    expect(b!.header).toBe('ok');
    expect(b!.errors.map((e) => e.kind)).toEqual(['ERROR']);
    expect(kinds(c!.items)).toEqual(['setup_c']);
  });

  it('reports names it cannot find, and the first of two #ifdef definitions', () => {
    const src = [
      '#ifdef CONFIG_WIDGET',
      'int probe(void) { return real_probe(); }',
      '#else',
      'int probe(void) { return 0; }',
      '#endif',
    ].join('\n');
    const r = extract(src, ['probe', 'absent_fn']);
    expect(r.missing).toEqual(['absent_fn']);
    expect(r.duplicates).toEqual(['probe']);
    expect(r.functions[0]!.line).toBe(2);
    expect(kinds(r.functions[0]!.items)).toEqual(['real_probe', 'return']);
  });

  it('finds a definition a misparse swallowed into the one before it, and keeps them apart', () => {
    const src = [
      'void before(void)',
      '{',
      '\tOPEN_BLOCK(x) {',
      '}',
      '',
      'int f(void)',
      '{',
      '\treturn inner();',
      '}',
    ].join('\n');
    const r = extract(src, ['before', 'f']);
    expect(r.missing).toEqual([]);
    const [before, f] = r.functions;
    expect([f!.line, kinds(f!.items)]).toEqual([6, ['inner', 'return']]);
    expect(kinds(before!.items)).toEqual([]);
    expect(before!.errors).toContainEqual(expect.objectContaining({ kind: 'MISSING' }));
  });

  it('keeps a function intact next to a macro that makes an ERROR node', () => {
    const src = [
      'static void broken(void)',
      '{',
      '\tslots = alloc_percpu(struct slot);',
      '\tif (!slots)',
      '\t\tgoto out;',
      '\tafter_error();',
      'out:',
      '\treturn;',
      '}',
      '',
      'int f(void)',
      '{',
      '\tint r;',
      '',
      '\tr = first();',
      '\tif (r)',
      '\t\tgoto out;',
      '\tsecond();',
      'out:',
      '\treturn r;',
      '}',
    ].join('\n');
    const r = extract(src, ['broken', 'f']);
    expect(r.errors.some((e) => e.kind === 'ERROR' && e.line === 3)).toBe(true);
    const [broken, f] = r.functions;
    expect(f!.errors).toEqual([]);
    expect(kinds(f!.items)).toEqual(['first', 'goto out', 'second', 'out:', 'return']);
    // Inside the damaged function, the statements after the ERROR still come out.
    expect(broken!.errors.length).toBeGreaterThan(0);
    expect(call(broken!, 'alloc_percpu').onError).toEqual({ kind: 'goto', label: 'out', line: 5 });
    expect(kinds(broken!.items)).toEqual([
      'alloc_percpu',
      'goto out',
      'after_error',
      'out:',
      'return',
    ]);
  });
});

describe('error edges', () => {
  const body = (lines: string[]) =>
    ['int f(void)', '{', ...lines.map((l) => `\t${l}`), '}'].join('\n');

  it('r = f(); if (r) goto L;', () => {
    const f = fn(
      body(['int r;', 'r = setup();', 'if (r)', '\tgoto undo;', 'return 0;', 'undo:', 'return r;']),
    );
    expect(call(f, 'setup')).toMatchObject({
      assignedTo: 'r',
      position: 'statement',
      line: 4,
      onError: { kind: 'goto', label: 'undo', line: 6 },
    });
  });

  it('r = f(); if (r < 0) goto L; and if (r != 0)', () => {
    const f = fn(
      body([
        'r = one();',
        'if (r < 0)',
        '\tgoto a;',
        'r = two();',
        'if (r != 0)',
        '\tgoto b;',
        'a: b: return r;',
      ]),
    );
    expect(call(f, 'one').onError).toMatchObject({ kind: 'goto', label: 'a' });
    expect(call(f, 'two').onError).toMatchObject({ kind: 'goto', label: 'b' });
  });

  it('p = alloc(); if (!p) goto L; and the block form with an errno', () => {
    const f = fn(
      body([
        'buf = alloc_buf(BUF_SIZE);',
        'if (!buf)',
        '\tgoto out;',
        'pool = make_pool("pool_name");',
        'if (!pool) {',
        '\tr = -ENOMEM;',
        '\tgoto out_buf;',
        '}',
      ]),
    );
    expect(call(f, 'alloc_buf').onError).toMatchObject({ kind: 'goto', label: 'out' });
    expect(call(f, 'make_pool').onError).toEqual({ kind: 'goto', label: 'out_buf', line: 9 });
  });

  it('r = f(); if (r) return r; and int r = f(); if (r) return r;', () => {
    const f = fn(
      body(['int r = first();', 'if (r)', '\treturn r;', 'r = second();', 'if (r)', '\treturn r;']),
    );
    expect(call(f, 'first')).toMatchObject({
      assignedTo: 'r',
      onError: { kind: 'return', value: { kind: 'ident', name: 'r' }, line: 5 },
    });
    expect(call(f, 'second').onError).toMatchObject({ kind: 'return', line: 8 });
  });

  it('if (f()) goto L; if (!f()) return -ENOMEM; if (f() < 0) return -EIO;', () => {
    const f = fn(
      body([
        'if (counter_init(&counter, 0))',
        '\tgoto out;',
        'if (!mask_alloc(&mask))',
        '\treturn -ENOMEM;',
        'if (read_config(&cfg) < 0)',
        '\treturn -EIO;',
      ]),
    );
    expect(call(f, 'counter_init')).toMatchObject({
      position: 'condition',
      onError: { kind: 'goto', label: 'out' },
    });
    expect(call(f, 'mask_alloc').onError).toEqual({
      kind: 'return',
      value: { kind: 'errno', name: 'ENOMEM' },
      line: 6,
    });
    expect(call(f, 'read_config').onError).toMatchObject({ value: { name: 'EIO' } });
  });

  it('r = f(); if (r) { …; goto L; } and if (WARN_ON_ONCE(r)) goto L;', () => {
    const f = fn(
      body([
        'r = enable_thing();',
        'if (r) {',
        '\tlog_failure("thing");',
        '\tgoto out_thing;',
        '}',
        'r = register_thing();',
        'if (WARN_ON_ONCE(r))',
        '\tgoto out_register;',
      ]),
    );
    expect(call(f, 'enable_thing').onError).toMatchObject({ label: 'out_thing', line: 6 });
    expect(call(f, 'register_thing').onError).toMatchObject({ label: 'out_register' });
    expect(call(f, 'WARN_ON_ONCE').onError).toBeUndefined();
  });

  it('each side of an || fails the same way', () => {
    const f = fn(body(['if (read_a(&x) || !check_b(x))', '\treturn -EIO;']));
    expect(call(f, 'read_a').onError).toMatchObject({ kind: 'return' });
    expect(call(f, 'check_b').onError).toMatchObject({ kind: 'return' });
  });

  it('is not an error edge: a later test, a cleanup without exit, a successful return, an &&', () => {
    const f = fn(
      body([
        'r = first();',
        'unrelated();',
        'if (r)',
        '\tgoto out;',
        'r = second();',
        'if (r && nested)',
        '\tcleanup();',
        'p = lookup();',
        'if (!p)',
        '\treturn 0;',
        'if (ready_a() && ready_b())',
        '\treturn -EBUSY;',
      ]),
    );
    for (const name of ['first', 'second', 'lookup', 'ready_a', 'ready_b'])
      expect(call(f, name).onError, name).toBeUndefined();
  });

  it('return f(); passes the call’s result on', () => {
    const f = fn(body(['prepare();', 'return finish(1);']));
    expect(call(f, 'finish')).toMatchObject({ returned: true, position: 'statement' });
    expect(f.items.at(-1)).toMatchObject({
      kind: 'return',
      value: { kind: 'call', callee: 'finish' },
    });
  });
});

describe('calls', () => {
  it('normalises calls through the vendor ops to @op, in every spelling', () => {
    const f = fn(
      [
        'int f(struct vendor_ops *ops)',
        '{',
        '\tops->hardware_setup();',
        '\tvendor_ops.hardware_setup();',
        '\tstatic_call(kvm_x86_hardware_setup)();',
        '\tstatic_call_cond(kvm_x86_hardware_unsetup)();',
        '\tkvm_x86_call(hardware_setup)();',
        '\treturn 0;',
        '}',
      ].join('\n'),
    );
    expect(calls(f).map((c) => [c.callee, c.via, c.object ?? null])).toEqual([
      ['@hardware_setup', 'member', 'ops'],
      ['@hardware_setup', 'member', 'vendor_ops'],
      ['@hardware_setup', 'static_call', null],
      ['@hardware_unsetup', 'static_call_cond', null],
      ['@hardware_setup', 'kvm_x86_call', null],
    ]);
  });

  it('summarises arguments enough to tell two cache creations apart', () => {
    const f = fn(
      [
        'int f(void)',
        '{',
        '\tdesc_cache = kmem_cache_create("desc_cache", sizeof(struct desc), 0, SLAB_FLAG, NULL);',
        '\tpage_cache = CACHE_MACRO(page_hdr, SLAB_FLAG);',
        '\tcounter_init(&ctx->count, -1, compute(x));',
        '\treturn 0;',
        '}',
      ].join('\n'),
    );
    expect(call(f, 'kmem_cache_create')).toMatchObject({
      assignedTo: 'desc_cache',
      args: [
        { kind: 'string', value: 'desc_cache' },
        { kind: 'sizeof', of: 'struct desc' },
        { kind: 'number', value: '0' },
        { kind: 'ident', name: 'SLAB_FLAG' },
        { kind: 'ident', name: 'NULL' },
      ],
    });
    expect(call(f, 'CACHE_MACRO')).toMatchObject({
      assignedTo: 'page_cache',
      args: [
        { kind: 'ident', name: 'page_hdr' },
        { kind: 'ident', name: 'SLAB_FLAG' },
      ],
    });
    expect(call(f, 'counter_init').args).toEqual([
      { kind: 'addr', name: 'ctx->count' },
      { kind: 'number', value: '-1' },
      { kind: 'call', callee: 'compute' },
    ]);
    expect(call(f, 'compute').position).toBe('nested');
  });

  it('reads curried and block macros without losing the function', () => {
    const f = fn(
      [
        'int f(void)',
        '{',
        '\tguard(mutex)(&setup_lock);',
        '\tfor_each_online_cpu(cpu) {',
        '\t\tr = per_cpu_setup(cpu);',
        '\t\tif (r)',
        '\t\t\tgoto out;',
        '\t}',
        '\tfor_each_possible_cpu(cpu)',
        '\t\tper_cpu_reset(cpu);',
        '\tlist_for_each_entry(item, &items, node)',
        '\t\tvisit(item);',
        '\treturn 0;',
        'out:',
        '\treturn r;',
        '}',
      ].join('\n'),
    );
    expect(call(f, 'guard')).toMatchObject({
      args: [{ kind: 'ident', name: 'mutex' }],
      args2: [{ kind: 'addr', name: 'setup_lock' }],
    });
    const loop = (name: string) => [{ kind: 'loop', name }];
    expect(call(f, 'per_cpu_setup')).toMatchObject({
      guards: loop('for_each_online_cpu'),
      onError: { kind: 'goto', label: 'out' },
    });
    expect(call(f, 'per_cpu_reset')).toMatchObject({
      guards: loop('for_each_possible_cpu'),
      args: [{ kind: 'ident', name: 'cpu' }],
      line: 10,
    });
    expect(call(f, 'visit')).toMatchObject({ guards: loop('list_for_each_entry'), line: 12 });
    expect(kinds(f.items)).toEqual([
      'guard',
      'per_cpu_setup',
      'goto out',
      'per_cpu_reset',
      'visit',
      'return',
      'out:',
      'return',
    ]);
  });
});

describe('guards', () => {
  it('records the chain of enclosing ifs, including else and else-if branches', () => {
    const f = fn(
      [
        'void f(void)',
        '{',
        '\tif (enable_widget && !use_fast_path)',
        '\t\tslow();',
        '\telse if (count > 2)',
        '\t\tmedium();',
        '\telse',
        '\t\tfast();',
        '\tif (mode == MODE_A || has_feature(FEAT_B)) {',
        '\t\tif (!enable_widget)',
        '\t\t\tnested_call();',
        '\t}',
        '\tif ((flags & MASK) == 3)',
        '\t\tmasked();',
        '}',
      ].join('\n'),
    );
    const first = {
      kind: 'and',
      args: [
        { kind: 'ident', name: 'enable_widget' },
        { kind: 'not', arg: { kind: 'ident', name: 'use_fast_path' } },
      ],
    };
    const count = {
      kind: 'cmp',
      op: '>',
      left: { kind: 'ident', name: 'count' },
      right: { kind: 'number', value: '2' },
    };
    expect(call(f, 'slow').guards).toEqual([{ kind: 'if', cond: first, branch: 'then', line: 3 }]);
    expect(call(f, 'medium').guards).toEqual([
      { kind: 'if', cond: first, branch: 'else', line: 3 },
      { kind: 'if', cond: count, branch: 'then', line: 5 },
    ]);
    expect(call(f, 'fast').guards.map((g) => g.kind === 'if' && g.branch)).toEqual([
      'else',
      'else',
    ]);
    expect(call(f, 'nested_call').guards.map((g) => g.kind === 'if' && g.cond)).toEqual([
      {
        kind: 'or',
        args: [
          {
            kind: 'cmp',
            op: '==',
            left: { kind: 'ident', name: 'mode' },
            right: { kind: 'ident', name: 'MODE_A' },
          },
          { kind: 'call', callee: 'has_feature', args: [{ kind: 'ident', name: 'FEAT_B' }] },
        ],
      },
      { kind: 'not', arg: { kind: 'ident', name: 'enable_widget' } },
    ]);
    // Not reducible to names and operators: kept as unknown, with the names it mentions.
    expect(call(f, 'masked').guards[0]).toMatchObject({
      cond: { kind: 'cmp', left: { kind: 'unknown', idents: ['flags', 'MASK'] } },
    });
  });

  it('records preprocessor branches, loops and switches', () => {
    const f = fn(
      [
        'void f(int n)',
        '{',
        '#ifdef CONFIG_WIDGET',
        '\twidget_on();',
        '#else',
        '\twidget_off();',
        '#endif',
        '\tfor (i = 0; i < n; i++)',
        '\t\tstep(i);',
        '\tswitch (mode) {',
        '\tcase 1:',
        '\t\tone();',
        '\t\tbreak;',
        '\t}',
        '}',
      ].join('\n'),
    );
    expect(call(f, 'widget_on').guards).toEqual([
      { kind: 'preproc', directive: '#ifdef', idents: ['CONFIG_WIDGET'], branch: 'then', line: 3 },
    ]);
    expect(call(f, 'widget_off').guards).toMatchObject([{ kind: 'preproc', branch: 'else' }]);
    expect(call(f, 'step').guards).toEqual([{ kind: 'loop', name: 'for', line: 8 }]);
    expect(call(f, 'one').guards).toEqual([{ kind: 'switch', idents: ['mode'], line: 10 }]);
  });
});

describe('labels, gotos, returns and watched globals', () => {
  it('places every item in the label section it falls into', () => {
    const f = fn(
      [
        'int f(void)',
        '{',
        '\tr = a();',
        '\tif (r)',
        '\t\tgoto out_a;',
        '\treturn 0;',
        'out_b:',
        '\tundo_b();',
        'out_a:',
        '\tundo_a();',
        '\treturn r;',
        '}',
      ].join('\n'),
    );
    expect(f.items.map((i) => [kinds([i])[0], i.label, i.line])).toEqual([
      ['a', null, 3],
      ['goto out_a', null, 5],
      ['return', null, 6],
      ['out_b:', 'out_b', 7],
      ['undo_b', 'out_b', 8],
      ['out_a:', 'out_a', 9],
      ['undo_a', 'out_a', 10],
      ['return', 'out_a', 11],
    ]);
  });

  it('summarises what each return returns', () => {
    const f = fn(
      [
        'int f(int k)',
        '{',
        '\tif (k == 1) return 0;',
        '\tif (k == 2) return -ENODEV;',
        '\tif (k == 3) return ret;',
        '\tif (k == 4) return;',
        '\treturn k + offset;',
        '}',
      ].join('\n'),
    );
    expect(
      f.items.filter((i) => i.kind === 'return').map((i) => i.kind === 'return' && i.value),
    ).toEqual([
      { kind: 'number', value: '0' },
      { kind: 'errno', name: 'ENODEV' },
      { kind: 'ident', name: 'ret' },
      { kind: 'none' },
      { kind: 'other', idents: ['k', 'offset'] },
    ]);
  });

  it('reports assignments to watched globals and their members, wherever they are', () => {
    const f = fn(
      [
        'void f(void)',
        '{',
        '\tif (!has_feature(FEAT_W))',
        '\t\tenable_widget = 0;',
        '\tuse_fast_path = enable_widget && probe_fast();',
        '\tvendor_ops.enable = NULL;',
        '\tunwatched = 1;',
        '}',
      ].join('\n'),
    );
    const assigns = f.items.filter((i) => i.kind === 'assign');
    expect(assigns).toEqual([
      {
        kind: 'assign',
        target: 'enable_widget',
        op: '=',
        value: { kind: 'number', value: '0' },
        line: 4,
        guards: [
          {
            kind: 'if',
            cond: {
              kind: 'not',
              arg: {
                kind: 'call',
                callee: 'has_feature',
                args: [{ kind: 'ident', name: 'FEAT_W' }],
              },
            },
            branch: 'then',
            line: 3,
          },
        ],
        label: null,
      },
      expect.objectContaining({
        target: 'use_fast_path',
        value: {
          kind: 'and',
          args: [
            { kind: 'ident', name: 'enable_widget' },
            { kind: 'call', callee: 'probe_fast', args: [] },
          ],
        },
      }),
      expect.objectContaining({
        target: 'vendor_ops.enable',
        value: { kind: 'ident', name: 'NULL' },
      }),
    ]);
    // The call inside the assigned value comes before the assignment.
    expect(kinds(f.items).slice(-3)).toEqual(['probe_fast', 'assign', 'assign']);
  });
});

describe('ops tables', () => {
  it('reads which function a table puts in each watched op field', () => {
    const src = [
      'static struct vendor_init_ops my_init_ops __initdata = {',
      '\t.probe = my_probe,',
      '\t.hardware_setup = my_setup,',
      '\t.runtime = &my_runtime_ops,',
      '};',
      '',
      'struct vendor_ops my_runtime_ops __initdata = {',
      '\t.name = "mine",',
      '\t.hardware_unsetup = my_unsetup,',
      '};',
      '',
      'static struct other_ops unrelated = { .probe = other_probe };',
    ].join('\n');
    const r = parseAndExtract(parser, src, 'test.c', [], {
      opsFields: ['hardware_setup', 'hardware_unsetup'],
    });
    expect(r.opsTables).toEqual([
      {
        name: 'my_init_ops',
        struct: 'vendor_init_ops',
        line: 1,
        fields: { hardware_setup: { fn: 'my_setup', line: 3 } },
      },
      // `__initdata` after the name takes the declarator's place here; the name is recovered.
      {
        name: 'my_runtime_ops',
        struct: 'vendor_ops',
        line: 7,
        fields: { hardware_unsetup: { fn: 'my_unsetup', line: 9 } },
      },
    ]);
  });
  it('finds a table inside #ifdef, or inside the ERROR node a misparse before it left', () => {
    const src = [
      'static void broken(void)',
      '{',
      '	if (x) {',
      '		y(;',
      '	}',
      '}',
      '#ifdef CONFIG_MINE',
      'static struct vendor_init_ops my_init_ops __initdata = {',
      '	.hardware_setup = my_setup,',
      '};',
      '#endif',
    ].join('\n');
    const r = parseAndExtract(parser, src, 'test.c', [], { opsFields: ['hardware_setup'] });
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.opsTables.map((t) => [t.name, t.line, t.fields.hardware_setup?.fn])).toEqual([
      ['my_init_ops', 8, 'my_setup'],
    ]);
  });
});
