import { describe, expect, it } from 'vitest';
import { appUrl } from './appUrl';

describe('appUrl', () => {
  it('keeps the origin and the path the app is served from, drops ?embed=1', () => {
    expect(appUrl('#s1/x', 'https://example.org/kvm-mmu/?embed=1#s1/old')).toBe(
      'https://example.org/kvm-mmu/#s1/x',
    );
    expect(appUrl('#s1/x', 'http://127.0.0.1:4173/index.html')).toBe(
      'http://127.0.0.1:4173/index.html#s1/x',
    );
  });
  it('stays on the same origin when the path looks like a host (//evil.example/)', () => {
    const link = new URL(appUrl('#s1/x', 'https://example.org//evil.example/?embed=1'));
    expect(link.origin).toBe('https://example.org');
    expect(link.pathname).toBe('//evil.example/');
  });
});
