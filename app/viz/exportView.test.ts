import { describe, expect, it } from 'vitest';
import { escapeXml, renderViewSvg, wrap } from './exportView';

describe('SVG export', () => {
  it('escapes every user-controlled string', () => {
    const svg = renderViewSvg({
      title: 'KVM MMU: <script>alert(1)</script>',
      subtitle: 'a & b',
      event: { title: '"x"', text: "it's <b>bold</b>", detail: null, stack: ['f<g'] },
      masks: [{ name: 'shadow_present_mask', value: 1n, changed: 1n }],
      caches: [],
      rmap: null,
      chain: null,
      findings: [{ kind: 'leak', message: '<img onerror=x>' }],
    });
    expect(svg).not.toMatch(/<script|<b>|<img/);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // every element opened is closed: a cheap well-formedness check
    const opens = (svg.match(/<(svg|text)\b/g) ?? []).length;
    const closes = (svg.match(/<\/(svg|text)>/g) ?? []).length;
    expect(opens).toBe(closes);
  });
  it('wraps long text for SVG, which does not wrap by itself', () => {
    expect(wrap('one two three four five', 9)).toEqual(['one two', 'three', 'four five']);
    expect(escapeXml(`<&"'>`)).toBe('&lt;&amp;&quot;&apos;&gt;');
  });
});
