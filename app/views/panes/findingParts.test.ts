import { describe, expect, it } from 'vitest';
import { kindSummary } from './findingParts';

describe('kindSummary', () => {
  it('counts each kind once, in order of first appearance, plural when more than one', () => {
    expect(kindSummary(['stale-read', 'clobber', 'stale-read', 'clobber', 'clobber', 'leak'])).toBe(
      '2 stale reads, 3 clobbers, 1 leak',
    );
  });
  it('uses the label a finding shows, not its id', () => {
    expect(kindSummary(['double-free', 'warn', 'warn'])).toBe('1 double free, 2 WARNs');
  });
});
