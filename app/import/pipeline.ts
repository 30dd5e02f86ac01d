/**
 * From a tree's IR to a runnable variant: the synthesis, the era (the nearest modelled
 * one, with every fact the tree shows otherwise taken from the tree), the variant, and
 * the hand-written variant to measure its drift against. Pure.
 */
import type { VariantId } from '../engine/ids';
import { coreEra, laterEra, type Changed, type CoreFacts, type Era } from '../engine/variants/era';
import { importedSource, variantFromImport, type ImportedTree } from '../engine/variants/imported';
import { BUILT_IN_TREES, SHIPPED, shippedEra } from '../engine/variants/index';
import type { VariantDef } from '../engine/variants/types';
import { checkFacts, observeFacts, type FactCheck } from './facts';
import type { TreeImport } from './ir';
import { ImportError, synthesize, type SynthesisReport } from './synthesize';

/** The variants written by hand from their trees: what drift is measured against. */
export const HAND_WRITTEN: readonly VariantId[] = ['v5.19', 'v6.0', 'v6.6', 'latest', 'v7.1'];

const release = (version: string): number => {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major * 1000 + minor;
};
const treeOf = (id: VariantId) => shippedEra(id).tree;

/** The newest modelled era not newer than the version (the oldest for anything older). */
function nearestEra(version: string): readonly [VariantId, Era<CoreFacts>] {
  const r = release(version);
  const id = [...SHIPPED].reverse().find((x) => release(treeOf(x)) <= r) ?? SHIPPED[0]!;
  return [id, shippedEra(id)];
}

/** The hand-written variant whose release is closest (the older one on a tie). */
export function nearestHandWritten(version: string): VariantId {
  const r = release(version);
  const distance = (id: VariantId) => Math.abs(release(treeOf(id)) - r);
  return HAND_WRITTEN.reduce((best, id) => (distance(id) < distance(best) ? id : best));
}

export interface Imported {
  version: string;
  /** The built-in id the variant runs under (the era's). */
  id: VariantId;
  era: Era<CoreFacts>;
  data: ImportedTree;
  report: SynthesisReport;
  /** The era facts the tree shows, against the nearest era's values. */
  facts: { agree: FactCheck[]; disagree: FactCheck[] };
  variant: VariantDef;
}

export function importedVariant(t: TreeImport): Imported {
  const { data, report } = synthesize(t);
  const [id, nearest] = nearestEra(t.version);
  const facts = checkFacts(observeFacts(t), nearest);
  // Where the tree shows a fact, the variant models what the tree shows.
  const changed = Object.fromEntries(
    facts.disagree.map((f) => [
      f.fact,
      [
        f.value,
        {
          commit: null,
          release: t.version,
          what: `read in the imported tree: ${f.how}`,
          seen: importedSource(t.version, f.where.file, f.where.line),
        },
      ],
    ]),
  ) as Changed<CoreFacts>;
  const era = coreEra(laterEra(nearest, nearest.tree, changed));
  const variant = variantFromImport(
    era,
    {
      id,
      title: `${t.version} (imported)`,
      kind: 'shipped',
      summary: `Linux ${t.version}, read from its source by the importer, with the facts of ${nearest.tree} where the tree does not show them.`,
      sources: [importedSource(t.version, 'arch/x86/kvm/mmu/mmu.c')],
    },
    data,
  );
  if (!variant.ok)
    throw new ImportError(`the imported tree does not make a variant: ${variant.error}`);
  return { version: t.version, id, era, data, report, facts, variant: variant.value };
}

/** JSON with object keys sorted: equal data, equal text. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** The built-in variant whose committed data this import is, if any. */
export function builtInOf(r: Pick<Imported, 'id' | 'data'>): VariantId | null {
  const data = BUILT_IN_TREES[r.id];
  return data && canonicalJson(data) === canonicalJson(r.data) ? r.id : null;
}
