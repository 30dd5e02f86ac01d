/**
 * The committed data of the v6.1 and v6.12 variants (app/engine/variants/trees/) is what
 * the importer makes of Debian's installed trees today. Policy (docs/importer.md, "The
 * committed variants"): on the committed point release everything must match, line numbers
 * included; when Debian serves a newer point release, names, order, edges and guards must
 * still match (the bring-up did not change) and the test says that the lines moved and how
 * to regenerate; anything else fails: the new release changed the bring-up.
 */
import { describe, expect, it } from 'vitest';
import V6_12_LINES from '../engine/variants/trees/v6.12.lines.json' with { type: 'json' };
import V6_12 from '../engine/variants/trees/v6.12.json' with { type: 'json' };
import V6_1_LINES from '../engine/variants/trees/v6.1.lines.json' with { type: 'json' };
import V6_1 from '../engine/variants/trees/v6.1.json' with { type: 'json' };
import { findStep } from '../engine/edits';
import { ERA_6_1 } from '../engine/variants/eras/v6.0';
import { ERA_6_12 } from '../engine/variants/eras/v6.12';
import { VARIANTS } from '../engine/variants/index';
import { callLines } from './callLines';
import { checkFacts, observeFacts } from './facts';
import { debianTree, importTree, nodeCParser, type DebianSeries } from './node';
import { lineTable, synthesize } from './synthesize';

const COMMITTED = {
  '6.1': { tree: V6_1, lines: V6_1_LINES, era: ERA_6_1 },
  '6.12': { tree: V6_12, lines: V6_12_LINES, era: ERA_6_12 },
} as const;

/** The data without line numbers: what must not change between point releases. */
function withoutLines(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLines);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'line' && k !== 'guardLine' && k !== 'version')
        .map(([k, v]) => [k, withoutLines(v)]),
    );
  return value;
}
const namesOf = (lines: object) => Object.keys(lines).sort();

describe.each(['6.1', '6.12'] as DebianSeries[])('Debian linux-source-%s', (series) => {
  const dir = debianTree(series);
  const skip = !dir && !process.env.CI;
  if (skip)
    console.warn(
      `SKIPPED: linux-source-${series} is not installed (run: bash scripts/kernel-source.sh)`,
    );
  it.skipIf(skip)(
    'the committed variant data is what the importer makes of the tree',
    async () => {
      if (!dir) throw new Error(`linux-source-${series} is not installed in CI`);
      const tree = importTree(await nodeCParser(), dir);
      const { data } = synthesize(tree);
      const committed = COMMITTED[series];
      const regenerate =
        'regenerate with `npm run import:debian`, check the drift (`npm run --silent mmu -- import <tree>`) and update docs/kernel-model.md';
      if (tree.version === committed.tree.version) {
        expect(data, `the importer's output changed: ${regenerate}`).toEqual(committed.tree);
        expect(lineTable(tree), `the line table changed: ${regenerate}`).toEqual(committed.lines);
        // Each step links to its own call: the line the call-line matcher finds for it too.
        const variant = VARIANTS[series === '6.1' ? 'v6.1' : 'v6.12'];
        const found = Object.entries(callLines(tree, [variant]).lines);
        const linked = found.filter(([id]) => findStep(variant, id)?.step.src?.kind === 'kernel');
        expect(linked.length).toBeGreaterThan(40);
        for (const [id, line] of linked)
          expect(findStep(variant, id)!.step.src, id).toMatchObject({ line });
      } else {
        expect(
          withoutLines(data),
          `Debian now serves ${tree.version} (committed: ${committed.tree.version}) and its bring-up differs beyond line numbers: ${regenerate}`,
        ).toEqual(withoutLines(committed.tree));
        expect(namesOf(lineTable(tree))).toEqual(namesOf(committed.lines));
        console.warn(
          `linux-source-${series} is ${tree.version}, the committed data ${committed.tree.version}: same bring-up, the line numbers moved; ${regenerate}`,
        );
      }
      // Every fact of the era the tree can show agrees with it.
      expect(checkFacts(observeFacts(tree), committed.era).disagree).toEqual([]);
    },
    60_000,
  );
});
