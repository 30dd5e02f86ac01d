/**
 * `mmu import` and `mmu review` on Debian's trees (installed by scripts/kernel-source.sh;
 * in CI a missing tree fails) and on bad input. The patches are generated here from the
 * installed tree's text at run time; nothing of it is committed. Facts cited as file:line
 * were read in 6.12.118 (and 6.1.192); on another point release the text searches below
 * still find the same statements.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLink } from '../share/codec';
import { debianTree } from '../import/node';
import { runTreeCli } from './tree';

const T612 = debianTree('6.12');
const T61 = debianTree('6.1');
const skip = (!T612 || !T61) && !process.env.CI;
if (skip) console.warn('SKIPPED: Debian trees not installed (run: bash scripts/kernel-source.sh)');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mmu-tree-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A unified diff of `file` in `tree` after `edit` rewrites its lines (a/ and b/ prefixes). */
function makePatch(
  tree: string,
  name: string,
  changes: Record<string, (lines: string[]) => string[]>,
): string {
  const dir = join(work, name);
  for (const [file, edit] of Object.entries(changes)) {
    const lines = readFileSync(join(tree, file), 'utf8').split('\n');
    for (const [side, text] of [
      ['a', lines],
      ['b', edit([...lines])],
    ] as const) {
      mkdirSync(dirname(join(dir, side, file)), { recursive: true });
      writeFileSync(join(dir, side, file), text.join('\n'));
    }
  }
  let diff = '';
  try {
    execFileSync('diff', ['-ru', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    diff = (e as { stdout: string }).stdout;
  }
  const path = join(work, `${name}.patch`);
  writeFileSync(path, diff);
  return path;
}

/** The index of the line of `fn`'s body (after its name's line) that contains `text`. */
function lineIn(lines: string[], fn: string, text: string): number {
  const start = lines.findIndex((l) => new RegExp(`^\\w.*\\b${fn}\\(`).test(l));
  const k = lines.findIndex((l, i) => i > start && l.includes(text));
  if (start < 0 || k < 0) throw new Error(`${text} not found in ${fn}`);
  return k;
}

const MMU = 'arch/x86/kvm/mmu/mmu.c';
const X86 = 'arch/x86/kvm/x86.c';
const VMX = 'arch/x86/kvm/vmx/vmx.c';
const RESET = 'kvm_mmu_reset_all_pte_masks();';
/** 6.12's mask reset moved from kvm_mmu_vendor_module_init() to after ops->hardware_setup(). */
const RESET_MOVED: Record<string, (lines: string[]) => string[]> = {
  [MMU]: (l) => l.filter((x) => x.trim() !== RESET),
  [X86]: (l) => {
    const k = lineIn(l, 'kvm_x86_vendor_init', 'goto out_mmu_exit;'); // x86.c:9356
    return [...l.slice(0, k + 1), `\t${RESET}`, ...l.slice(k + 1)];
  },
};

const cli = (argv: string[]) => runTreeCli(argv);
const json = async (argv: string[]) => {
  const out = await cli([...argv, '--format', 'json']);
  return { code: out.code, j: JSON.parse(out.stdout) };
};

describe.skipIf(skip)('mmu import on Debian’s trees', () => {
  it.each([
    ['6.1', 'v6.0', 18, T61],
    // ops->hardware_setup() moved for both vendors is one item: its call is one line of x86.c.
    ['6.12', 'v6.6', 16, T612],
  ] as const)(
    '%s: the variant as data, and the drift from %s (%i items), every one explained (--check exits 0)',
    async (_, against, items, tree) => {
      const { code, j } = await json(['import', tree!, '--check']);
      expect(code).toBe(0);
      expect(j).toMatchObject({ ok: true, drift: { against, unexplained: 0 } });
      expect(j.drift.items).toHaveLength(items);
      expect(j.variant.functions.map((f: { name: string }) => f.name)).toContain(
        'kvm_mmu_vendor_module_init',
      );
      expect(j.facts.disagree).toEqual([]);
    },
    60_000,
  );
  it('prints the drift in kernel words with file:line on both sides', async () => {
    const out = await cli(['import', T612!]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Drift against v6.6');
    // x86.c:9276 guard(mutex) folds __kvm_x86_vendor_init() into kvm_x86_vendor_init(); the
    // model's side is its call in kvm_x86_vendor_init() (x86.c:9607 in v6.6.87).
    expect(out.stdout).toMatch(
      /removed __kvm_x86_vendor_init\(\) \[intel, amd\].*\n\s+model: kvm_x86_vendor_init, arch\/x86\/kvm\/x86\.c:9607 \(v6\.6\.87\)\n\s+tree: +—/,
    );
    expect(out.stdout).toContain('tree:  kvm_mmu_spte_module_init, arch/x86/kvm/mmu/spte.c:77');
  }, 60_000);
  it('reads a linux-source tarball, extracting only the files it needs', async () => {
    const tarball = join(work, 'linux-source-6.12.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', dirname(T612!), 'linux-source-6.12']);
    const { code, j } = await json(['import', tarball]);
    expect(code).toBe(0);
    expect(j.version).toBe((await json(['import', T612!])).j.version);
  }, 60_000);
  it('--check exits 1 on drift the model does not explain (the mask reset moved after hardware_setup)', async () => {
    const copy = join(work, 'moved-reset');
    cpSync(T612!, copy, { recursive: true });
    for (const [file, edit] of Object.entries(RESET_MOVED))
      writeFileSync(
        join(copy, file),
        edit(readFileSync(join(copy, file), 'utf8').split('\n')).join('\n'),
      );
    const { code, j } = await json(['import', copy, '--check']);
    expect(code).toBe(1);
    expect(j.drift.unexplained).toBe(1);
    expect(j.drift.items.find((i: { explained: unknown }) => !i.explained)).toMatchObject({
      kind: 'moved',
      what: 'kvm_mmu_reset_all_pte_masks()',
      model: { where: 'kvm_mmu_vendor_module_init' },
      tree: { where: 'kvm_x86_vendor_init' },
    });
  }, 60_000);
});

describe.skipIf(skip)('mmu review of patches generated from the 6.12 tree (VMX)', () => {
  it('the mask reset moved after ops->hardware_setup(): one move edit, and the clobbers it causes', async () => {
    const patch = makePatch(T612!, 'reset', RESET_MOVED);
    const scenario = join(work, 'reset.json');
    const { code, j } = await json([
      'review',
      '--tree',
      T612!,
      '--patch',
      patch,
      '--scenario',
      scenario,
    ]);
    expect(code).toBe(0);
    expect(j.moves).toEqual([
      expect.objectContaining({
        what: 'kvm_mmu_reset_all_pte_masks()',
        from: 'kvm_mmu_vendor_module_init',
        to: 'kvm_x86_vendor_init',
        afterRight: 'ops->hardware_setup()',
      }),
    ]);
    expect(j.findings.onlyLeft).toEqual([]);
    expect(j.findings.onlyRight.map((f: { kind: string }) => f.kind)).toEqual(
      expect.arrayContaining(['clobber']),
    );
    expect(j.review).toMatchObject({ patchedAs: 'edits', notApplied: [] });
    // The scenario file and the link carry the same comparison, as one edit of v6.12.
    const file = JSON.parse(readFileSync(scenario, 'utf8'));
    expect(file.right.edits).toEqual([
      {
        move: 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks',
        to: 'kvm_x86_vendor_init',
        index: expect.any(Number),
      },
    ]);
    const link = decodeLink(j.review.link);
    expect(link).toMatchObject({
      ok: true,
      value: { view: 'compare', scenario: file.left, compare: file.right },
    });
  }, 60_000);

  it('the same move as a git format-patch mail (message, stat, signature): the same review', async () => {
    const repo = join(work, 'mail-repo');
    cpSync(T612!, repo, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', ...args], {
        cwd: repo,
        encoding: 'utf8',
      });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    for (const [file, edit] of Object.entries(RESET_MOVED))
      writeFileSync(
        join(repo, file),
        edit(readFileSync(join(repo, file), 'utf8').split('\n')).join('\n'),
      );
    git('commit', '-qam', 'KVM: x86/mmu: reset the masks after hardware_setup');
    const mail = join(work, 'reset.mbox');
    writeFileSync(mail, git('format-patch', '-1', '--stdout'));
    expect(readFileSync(mail, 'utf8')).toMatch(/^From [0-9a-f]{40} /);
    const { code, j } = await json(['review', '--tree', T612!, '--patch', mail]);
    expect(code).toBe(0);
    expect(j.moves).toEqual([
      expect.objectContaining({
        what: 'kvm_mmu_reset_all_pte_masks()',
        from: 'kvm_mmu_vendor_module_init',
        to: 'kvm_x86_vendor_init',
      }),
    ]);
    expect(j.findings.onlyRight.map((f: { kind: string }) => f.kind)).toContain('clobber');
  }, 60_000);

  it('kvm_configure_mmu() deleted from VMX’s setup: the call is gone, tdp_enabled stays false, a missing-step finding', async () => {
    const patch = makePatch(T612!, 'no-configure', {
      [VMX]: (l) => {
        const k = lineIn(l, 'vmx_hardware_setup', 'kvm_configure_mmu('); // vmx.c:8515
        const end = l.findIndex((x, i) => i >= k && x.trimEnd().endsWith(');'));
        return [...l.slice(0, k), ...l.slice(end + 1)];
      },
    });
    const { code, j } = await json(['review', '--tree', T612!, '--patch', patch]);
    expect(code).toBe(0);
    expect(j.leftOnly).toEqual([
      expect.objectContaining({ what: 'kvm_configure_mmu()', from: 'vmx_hardware_setup' }),
    ]);
    expect(j.final).toEqual(
      expect.arrayContaining([
        { section: 'config', key: 'tdp_enabled', left: 'true', right: 'false' },
      ]),
    );
    // The patched side's one finding: the call that sets tdp_enabled never ran although VMX
    // chose EPT (kvm_configure_mmu() at mmu.c:6337, called at vmx.c:8515 in 6.12.118).
    expect(j.findings.both).toEqual([]);
    expect(j.findings.onlyLeft).toEqual([]);
    expect(j.findings.onlyRight).toEqual([
      expect.objectContaining({
        kind: 'missing-step',
        steps: expect.arrayContaining(['vmx_hardware_setup/kvm_configure_mmu']),
        message: expect.stringContaining('VMX decided enable_ept = 1, but tdp_enabled is 0'),
      }),
    ]);
    expect(j.review.patchedAs).toBe('edits');
  }, 60_000);

  it('the two cache creations swapped: a move within kvm_mmu_vendor_module_init, no hazard', async () => {
    const patch = makePatch(T612!, 'swap', {
      [MMU]: (l) => {
        const a = lineIn(l, 'kvm_mmu_vendor_module_init', 'pte_list_desc_cache ='); // mmu.c:7418
        const b = lineIn(l, 'kvm_mmu_vendor_module_init', 'mmu_page_header_cache ='); // mmu.c:7422
        const end = l.findIndex((x, i) => i > b && x.includes('goto out;'));
        return [
          ...l.slice(0, a),
          ...l.slice(b, end + 1),
          '',
          ...l.slice(a, b - 1),
          ...l.slice(end + 1),
        ];
      },
    });
    const { code, j } = await json(['review', '--tree', T612!, '--patch', patch]);
    expect(code).toBe(0);
    expect(j.moves).toEqual([
      expect.objectContaining({
        what: 'KMEM_CACHE(pte_list_desc)',
        from: 'kvm_mmu_vendor_module_init',
        to: 'kvm_mmu_vendor_module_init',
        afterRight: 'kmem_cache_create("kvm_mmu_page_header")',
      }),
    ]);
    expect(j.final).toEqual([]);
    expect(j.findings).toEqual({ both: [], onlyLeft: [], onlyRight: [] });
  }, 60_000);

  it('a comment only: the same steps in the same order, no finding (text format)', async () => {
    const patch = makePatch(T612!, 'comment', {
      [MMU]: (l) => {
        const k = lineIn(l, 'kvm_mmu_vendor_module_init', RESET);
        return [...l.slice(0, k), '\t/* reviewed: the reset stays first */', ...l.slice(k)];
      },
    });
    const out = await cli(['review', '--tree', T612!, '--patch', patch]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Both runs execute the same \d+ steps in the same order\./);
    expect(out.stdout).toContain('The checker finds nothing in either run.');
    expect(out.stdout).toContain('The patched side is v6.12 itself (the patch changes no step).');
  }, 60_000);
});

describe.skipIf(skip)('mmu review on the 6.1 hybrid', () => {
  it('the mask reset moved after ops->hardware_setup() in kvm_arch_hardware_setup(): the same clobber (markdown)', async () => {
    const patch = makePatch(T61!, 'reset-61', {
      [MMU]: (l) => l.filter((x) => x.trim() !== RESET),
      [X86]: (l) => {
        const k = lineIn(l, 'kvm_arch_hardware_setup', 'return r;'); // x86.c:12448
        return [...l.slice(0, k + 1), `\t${RESET}`, ...l.slice(k + 1)];
      },
    });
    const out = await cli(['review', '--tree', T61!, '--patch', patch, '--format', 'markdown']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^### Patch-ordering review/);
    expect(out.stdout).toContain('`kvm_mmu_reset_all_pte_masks()` moved from');
    expect(out.stdout).toContain('\\[clobber\\]');
  }, 60_000);
});

describe('bad input: a message and exit 2, never a stack trace', () => {
  const notAPatch = () => {
    const p = join(work, 'notes.txt');
    writeFileSync(p, 'just some words\n');
    return p;
  };
  it.each([
    [['import'], 'usage: mmu import'],
    [['import', '/nonexistent/tree'], 'cannot read (no such file or directory)'],
    [['import', '.'], 'has no Makefile: not a kernel tree'],
    [['import', 'x', '--format', 'xml'], '--format must be text or json'],
    [['import', 'x', '--against', 'seed-p2'], '--against must be one of'],
    [['review', '--tree', '.'], 'mmu review needs --tree and --patch'],
  ])('%j', async (argv, message) => {
    const out = await cli(argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
  it('a kernel tree without the files the model reads', async () => {
    const dir = join(work, 'bare-tree');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 9\nSUBLEVEL = 0\n');
    const out = await cli(['import', dir]);
    expect([out.code, out.stderr]).toEqual([
      2,
      expect.stringContaining('none of the files the model reads'),
    ]);
  });
  it('an unreadable tarball', async () => {
    const junk = join(work, 'junk.tar.xz');
    writeFileSync(junk, 'not a tarball at all');
    const out = await cli(['import', junk, '--format', 'json']);
    expect(out.code).toBe(2);
    expect(JSON.parse(out.stdout)).toEqual({
      ok: false,
      error: expect.stringContaining('not a readable kernel source tarball'),
    });
  });
  it('a file that is not a patch', async () => {
    const out = await cli(['review', '--tree', '.', '--patch', notAPatch()]);
    expect([out.code, out.stderr]).toEqual([2, expect.stringContaining('not a patch')]);
  });
  it.skipIf(skip)(
    'a patch that touches no modelled file, or no bring-up function',
    async () => {
      const docs = join(work, 'docs.patch');
      writeFileSync(
        docs,
        '--- a/Documentation/x.rst\n+++ b/Documentation/x.rst\n@@ -1,1 +1,1 @@\n-a\n+b\n',
      );
      const out = await cli(['review', '--tree', T612!, '--patch', docs]);
      expect([out.code, out.stderr]).toEqual([
        2,
        expect.stringContaining('touches none of the files the model reads'),
      ]);
      // pte_list_add() is MMU code, but not part of the bring-up the review compares.
      const rmap = makePatch(T612!, 'rmap-comment', {
        [MMU]: (l) => {
          const k = lineIn(l, 'pte_list_add', '{');
          return [...l.slice(0, k + 1), '\t/* not bring-up */', ...l.slice(k + 1)];
        },
      });
      const out2 = await cli(['review', '--tree', T612!, '--patch', rmap]);
      expect([out2.code, out2.stderr]).toEqual([
        2,
        expect.stringContaining('changes no function of the bring-up'),
      ]);
    },
    60_000,
  );
  it.skipIf(skip)(
    'a patch that does not apply is not applied at all',
    async () => {
      const patch = makePatch(T612!, 'stale', {
        [MMU]: (l) => {
          const k = lineIn(l, 'kvm_mmu_vendor_module_init', RESET);
          return [...l.slice(0, k), '\t/* a comment */', ...l.slice(k)];
        },
      });
      // Its context lines no longer match the tree: git refuses the whole patch.
      const stale = join(work, 'stale-context.patch');
      const text = readFileSync(patch, 'utf8');
      writeFileSync(stale, text.replace(/^ \t.*kvm_mmu_reset_all_pte_masks.*$/m, ' \tnot_this();'));
      expect(readFileSync(stale, 'utf8')).not.toBe(text);
      const out = await cli(['review', '--tree', T612!, '--patch', stale]);
      expect([out.code, out.stderr]).toEqual([
        2,
        expect.stringContaining('does not apply to this tree (nothing was applied)'),
      ]);
      // Two files, the first applies and the second does not: refused whole, never half.
      const two = makePatch(T612!, 'stale-two', {
        [MMU]: (l) => l.filter((x) => x.trim() !== RESET),
        [X86]: (l) => {
          const k = lineIn(l, 'kvm_x86_vendor_init', 'goto out_mmu_exit;');
          return [...l.slice(0, k + 1), `\t${RESET}`, ...l.slice(k + 1)];
        },
      });
      const twoText = readFileSync(two, 'utf8');
      const x86At = twoText.indexOf(`--- a/${X86}`);
      expect(x86At).toBeGreaterThan(twoText.indexOf(`--- a/${MMU}`));
      const brokenTwo = join(work, 'stale-two-context.patch');
      writeFileSync(
        brokenTwo,
        twoText.slice(0, x86At) +
          twoText.slice(x86At).replace(/^ \t.*goto out_mmu_exit;$/m, ' \tgoto nowhere;'),
      );
      expect(readFileSync(brokenTwo, 'utf8')).not.toBe(twoText);
      const out2 = await cli(['review', '--tree', T612!, '--patch', brokenTwo, '--format', 'json']);
      expect(out2.code).toBe(2);
      expect(JSON.parse(out2.stdout)).toEqual({
        ok: false,
        error: expect.stringContaining('does not apply to this tree (nothing was applied)'),
      });
    },
    60_000,
  );
});

describe('npm run --silent mmu (the real process)', () => {
  /** Exit status and stderr of `npm run --silent mmu -- ...args`. */
  function mmu(...args: string[]): { code: number; stderr: string } {
    try {
      execFileSync('npm', ['run', '--silent', 'mmu', '--', ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { code: 0, stderr: '' };
    } catch (e) {
      const { status, stderr } = e as { status: number; stderr: string };
      return { code: status, stderr };
    }
  }

  it('sends import and review to the tree commands, and exits 2 on bad input', () => {
    const imp = mmu('import', '/nonexistent/tree');
    expect(imp.code).toBe(2);
    expect(imp.stderr).toContain('error: /nonexistent/tree: cannot read');
    expect(imp.stderr).not.toMatch(/\n\s+at /);
    const rev = mmu('review', '--tree', '/nonexistent/tree', '--patch', '/nonexistent/p.patch');
    expect(rev.code).toBe(2);
    expect(rev.stderr).toContain('error: /nonexistent/p.patch: cannot read');
    expect(rev.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
