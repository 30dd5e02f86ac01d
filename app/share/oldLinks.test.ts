/**
 * Old links keep opening what they opened: each link in __fixtures__/old-links.json,
 * as an older app made it, decodes to the view it names today and runs; and every
 * migration of the sequence has such a link of the form before it.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../engine';
import { MIGRATIONS } from '../engine/view';
import type { LinkState } from '../state/store';
import { decodeLink, encodeLink, LINK_VERSION } from './codec';
import fixtures from './__fixtures__/old-links.json' with { type: 'json' };

interface OldLink {
  form: number;
  made: string;
  link: string;
  opens: LinkState;
}
const links = fixtures.links as OldLink[];

/** The form a link says it has: `#sN/…` is N, `#scenario=` is 0. */
const formOf = (link: string) =>
  link.startsWith('#scenario=') ? 0 : Number(/^#s(\d+)\//.exec(link)?.[1]);

describe('old links', () => {
  it.each(links.map((l) => [l.form, l.made, l] as const))(
    'form %i (%s) opens the view it names today',
    (form, _made, { link, opens }) => {
      expect(formOf(link)).toBe(form);
      expect(form).toBeLessThan(LINK_VERSION);
      expect(decodeLink(link)).toEqual({ ok: true, value: opens });
      for (const scenario of [opens.scenario, opens.compare].filter((s) => s !== null)) {
        const run = runScenario(scenario);
        expect(run.ok && run.value.trace.length).toBeGreaterThan(0);
      }
      // Written again, it is a link of the newest form that opens the same view.
      expect(encodeLink(opens).startsWith(`#s${LINK_VERSION}/`)).toBe(true);
      expect(decodeLink(encodeLink(opens))).toEqual({ ok: true, value: opens });
    },
  );

  it.each(MIGRATIONS.sequence.map((m, i) => [m.id, i] as const))(
    '%s has an old link of the form before it',
    (_id, form) => {
      expect(links.filter((l) => l.form === form).length).toBeGreaterThan(0);
    },
  );
});
