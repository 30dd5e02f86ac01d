/**
 * parsePatch() and touches() on small diffs written here (no kernel text): what a plain
 * unified diff or a `git format-patch` mail changes, by old-file line.
 */
import { describe, expect, it } from 'vitest';
import { parsePatch, touches } from './patch';

const PLAIN = `--- a/arch/x86/kvm/mmu/mmu.c\t2026-01-01 00:00:00.000000000 +0000
+++ b/arch/x86/kvm/mmu/mmu.c\t2026-01-01 00:00:01.000000000 +0000
@@ -10,4 +10,4 @@ int setup(void)
 {
-\tfirst();
+\tsecond();
 \tthird();
 }
`;

/** A mail as git format-patch writes it: headers, message (with a "---" line), stat, diff, signature. */
const MAIL = `From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: A Reviewer <a@example.org>
Date: Mon, 7 Dec 2026 10:00:00 +0000
Subject: [PATCH 2/4] x86: move a call

The body of the message.
---
 arch/x86/kvm/x86.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
index 1111111..2222222 100644
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -20,3 +20,4 @@ int vendor_init(void)
 \ta();
-\tb();
+\tc();
+\tb();
 \treturn 0;
-- 
2.39.5
`;

describe('parsePatch', () => {
  it('a plain unified diff: the file without a/ b/, the removed line, the insertion point', () => {
    expect(parsePatch(PLAIN)).toEqual([
      { path: 'arch/x86/kvm/mmu/mmu.c', prefixed: true, removed: [11], insertedAfter: [11] },
    ]);
  });

  it('a git format-patch mail: the message and the signature are not part of the diff', () => {
    expect(parsePatch(MAIL)).toEqual([
      { path: 'arch/x86/kvm/x86.c', prefixed: true, removed: [21], insertedAfter: [21, 21] },
    ]);
  });

  it('several files, one diff of two trees without a/ b/ prefixes, and an insertion at the top', () => {
    const text = `--- old/virt/kvm/kvm_main.c
+++ new/virt/kvm/kvm_main.c
@@ -0,0 +1 @@
+/* first */
--- old/arch/x86/kvm/svm/svm.c
+++ new/arch/x86/kvm/svm/svm.c
@@ -5 +5,0 @@
-\tgone();
`;
    expect(parsePatch(text)).toEqual([
      {
        path: 'new/virt/kvm/kvm_main.c',
        prefixed: false,
        removed: [],
        insertedAfter: [0],
      },
      { path: 'new/arch/x86/kvm/svm/svm.c', prefixed: false, removed: [5], insertedAfter: [] },
    ]);
  });

  it('a deleted file is named by its old path', () => {
    const text = `--- a/arch/x86/kvm/vmx/main.c
+++ /dev/null
@@ -1,2 +0,0 @@
-int a;
-int b;
`;
    expect(parsePatch(text)).toEqual([
      { path: 'arch/x86/kvm/vmx/main.c', prefixed: true, removed: [1, 2], insertedAfter: [] },
    ]);
  });

  it.each([
    ['prose', 'just some words\nand more\n'],
    ['headers without a hunk', '--- a/x.c\n+++ b/x.c\n'],
    ['a mail without a diff', 'From: a@example.org\nSubject: [PATCH] nothing\n\n---\n'],
    ['empty', ''],
  ])('%s: not a patch (null)', (_, text) => {
    expect(parsePatch(text)).toBeNull();
  });
});

describe('touches', () => {
  const [file] = parsePatch(PLAIN)!;
  it('is true for a function whose lines hold a change, false outside them', () => {
    expect(touches(file!, 10, 13)).toBe(true);
    expect(touches(file!, 1, 9)).toBe(false);
    expect(touches(file!, 12, 40)).toBe(false);
  });
  it('an insertion after a function’s last line is not inside it', () => {
    const [ins] = parsePatch('--- a/f.c\n+++ b/f.c\n@@ -5,0 +6 @@\n+x();\n')!;
    expect(ins!.insertedAfter).toEqual([5]);
    expect(touches(ins!, 1, 5)).toBe(false);
    expect(touches(ins!, 1, 6)).toBe(true);
  });
});
