/** Pieces every list of findings shares (the single run's and compare mode's). */
import { FINDING_WORDS, type EditAttribution, type Finding, type Link } from '../../engine/view';

export const KIND_LABEL = FINDING_WORDS;

/** "4 clobbers, 2 stale reads": how many findings of each kind, in order of first appearance. */
export function kindSummary(kinds: readonly Finding['kind'][]): string {
  const counts = new Map<Finding['kind'], number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${KIND_LABEL[k]}${n > 1 ? 's' : ''}`).join(', ');
}

/** What the real kernel does about a finding, with its sources; folded until asked for. */
export function Advice({ advice, links }: { advice: string; links: readonly Link[] }) {
  return (
    <details className="advice">
      <summary>What the kernel does about it</summary>
      <p>{advice}</p>
      <ul className="links">
        {links.map((l) => (
          <li key={l.url + l.label}>
            <a href={l.url} target="_blank" rel="noreferrer">
              {l.label}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * Which ordering edit produced finding `index`, in the edit list's words: "from:
 * moved kvm_mmu_reset_all_pte_masks from … into …". `edits`: the run's edit
 * descriptions; `attribution`: the worker's answer (null while it works).
 */
export function FindingSourceLine({
  attribution,
  index,
  edits,
}: {
  attribution: EditAttribution | { error: string } | null;
  index: number;
  edits: readonly string[];
}) {
  if (!edits.length) return null;
  if (!attribution) return <p className="finding-source pending">from: working out which edit…</p>;
  if ('error' in attribution)
    return (
      <p className="finding-source pending">
        which edit produced it could not be worked out: {attribution.error}
      </p>
    );
  const source = attribution.sources[index];
  if (!source) return null;
  if (source.from === 'kernel')
    return <p className="finding-source">not from an edit: the kernel has it without them</p>;
  if (source.from === 'edits-together')
    return (
      <p className="finding-source">
        {attribution.untestable.length
          ? 'from the edits together, or from an edit that cannot be dropped alone: it stays whichever other edit is dropped'
          : 'from the edits together: it stays whichever single edit is dropped'}
      </p>
    );
  const named = source.edits.map((i) => `edit ${i + 1}, ${edits[i]}`);
  return (
    <p className="finding-source">
      from: {named.join('; with ')}
      {named.length > 1 && ' (it needs each of them)'}
    </p>
  );
}
