/** The review as a reply to send: 72 columns, In-Reply-To, the quoted ordering, Link: trailers. */
import { describe, expect, it } from 'vitest';
import { VARIANT_IDS, VENDORS } from '../ids';
import { mustRun } from '../testing';
import { loreUrl, MAIL } from '../variants/sources';
import { compareReport } from './report';

const P2 = MAIL.p2;
const mail = (l: ReturnType<typeof mustRun>, r: ReturnType<typeof mustRun>) =>
  compareReport(l, r, { format: 'mail' });

describe('mail', () => {
  it.each(VENDORS)(
    'every line fits in 72 columns but a Link: URL (%s, every variant pair)',
    (v) => {
      const runs = VARIANT_IDS.map((k) => mustRun(k, v, { inReplyTo: P2 }));
      for (const l of runs)
        for (const r of runs) {
          if (l === r) continue;
          for (const line of mail(l, r).split('\n'))
            if (!line.startsWith('Link: https://'))
              expect(
                line.length,
                `${l.scenario.kernel} vs ${r.scenario.kernel}: ${line}`,
              ).toBeLessThanOrEqual(72);
        }
    },
  );
  it('answers the message the scenario names: In-Reply-To, and the thread’s Subject folded', () => {
    const text = mail(
      mustRun('v6.0', 'intel', { inReplyTo: `<${P2}>` }),
      mustRun('bad-reset-after-setup', 'intel'),
    );
    const [first, second, third, blank] = text.split('\n');
    expect(first).toBe(`In-Reply-To: <${P2}>`);
    expect(second).toBe('Subject: Re: [PATCH 2/4] KVM: x86/mmu: Defer "full" MMU setup until');
    expect(third).toBe(' after vendor hardware_setup()');
    expect(blank).toBe('');
  });
  it('the right side’s message when only it names one; no headers when neither does', () => {
    const l = mustRun('seed-p2', 'intel');
    const r = mustRun('alt-configure-mmu', 'intel', { inReplyTo: MAIL.matlackAlt });
    expect(mail(l, r)).toMatch(
      /^In-Reply-To: <YrZTxZm4kq0rXcKQ@google\.com>\nSubject: Re: \[PATCH 2\/4\]/,
    );
    const none = mail(l, mustRun('alt-configure-mmu', 'intel'));
    expect(none).not.toMatch(/^(In-Reply-To|Subject):/m);
    expect(none).toMatch(/^> kvm_mmu_hardware_setup\(\):$/m);
  });
  it('quotes the ordering it answers: the left’s functions the changes touch, as "> " lines', () => {
    const text = mail(mustRun('v6.0', 'intel'), mustRun('bad-reset-after-setup', 'intel'));
    const quote = text.split('\n').filter((l) => l.startsWith('>'));
    expect(quote[0]).toBe('> kvm_mmu_vendor_module_init():');
    expect(quote[2]).toBe('>         kvm_mmu_reset_all_pte_masks()');
    expect(quote).toContain('> kvm_arch_hardware_setup():');
    expect(quote).toContain('>         ops->hardware_setup()');
    // The quote comes first, the review after it.
    expect(text.indexOf('> ')).toBeLessThan(text.indexOf('Ordering'));
  });
  it('ends with Link: lines: lore for the series messages the variants come from, elixir for every cited line', () => {
    const text = mail(mustRun('seed-p2', 'intel'), mustRun('alt-configure-mmu', 'intel'));
    const links = text
      .split('\n')
      .filter((l) => l.startsWith('Link: '))
      .map((l) => l.slice(6));
    expect(links.slice(0, 3)).toEqual([
      loreUrl(MAIL.p2),
      loreUrl(MAIL.matlackAlt),
      loreUrl(MAIL.seanReply),
    ]);
    // kvm_configure_mmu() moved between functions whose lines the review cites.
    expect(text).toContain('arch/x86/kvm/x86.c:11710 in v5.19');
    expect(links).toContain(
      'https://elixir.bootlin.com/linux/v5.19/source/arch/x86/kvm/x86.c#L11710',
    );
    expect(new Set(links).size).toBe(links.length);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Link: https:\/\//);
  });
  it('says the same as the plain-text review', () => {
    const l = mustRun('seed-p3', 'amd', { params: { tdp: false } });
    const r = mustRun('bad-create-before-configure', 'amd', { params: { tdp: false } });
    const text = compareReport(l, r, { format: 'text' });
    const reply = mail(l, r);
    for (const part of ['Ordering', 'State', 'Findings'])
      expect(reply).toContain(
        text.slice(
          text.indexOf(`\n${part}\n`),
          text.indexOf('\n', text.indexOf(`\n${part}\n`) + part.length + 3),
        ),
      );
  });
});
