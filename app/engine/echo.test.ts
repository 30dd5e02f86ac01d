import { describe, expect, it } from 'vitest';
import { clipped, quoted, shownMessage, showBidiControls } from './echo';

describe('echoing input in a message', () => {
  it('shows every bidi control as its escape, and leaves other text alone', () => {
    const controls = '\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    expect(showBidiControls(`a${controls}b`)).toBe(
      'a\\u61C\\u200E\\u200F\\u202A\\u202B\\u202C\\u202D\\u202E\\u2066\\u2067\\u2068\\u2069b',
    );
    expect(showBidiControls('kvm_mmu_init — שלום ✓')).toBe('kvm_mmu_init — שלום ✓');
  });
  it('quotes, cuts long input short and says how long it was', () => {
    expect(quoted('toString')).toBe('"toString"');
    expect(quoted('x'.repeat(5_000_000))).toBe(`"${'x'.repeat(60)}"… (5000000 characters)`);
    expect(quoted('a"\n\u202Eb')).toBe('"a\\"\\n\\u202Eb"');
  });
  it('clips a message to what the app shows', () => {
    expect(clipped('abc\u202E', 10)).toBe('abc\\u202E');
    expect(clipped('abcdef', 3)).toBe('abc…');
    expect(shownMessage('x'.repeat(5000))).toHaveLength(1001);
  });
});
