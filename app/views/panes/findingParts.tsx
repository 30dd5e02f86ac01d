/** Pieces every list of findings shares (the single run's and compare mode's). */
import type { Link } from '../../engine/view';

export const KIND_LABEL: Record<string, string> = {
  clobber: 'clobber',
  'stale-read': 'stale read',
  leak: 'leak',
  'double-free': 'double free',
  warn: 'WARN',
  'error-return': 'error return',
  'missing-step': 'missing step',
  'end-state': 'end state',
  'vm-setup': 'VM setup',
};

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
