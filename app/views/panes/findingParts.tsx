/** Pieces every list of findings shares (the single run's and compare mode's). */
import { FINDING_WORDS, type Finding, type Link } from '../../engine/view';

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
