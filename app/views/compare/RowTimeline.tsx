import { memo } from 'react';
import type { CompareView } from '../../engine/view';
import { seek } from '../../state/actions';
import { useAppStore } from '../../state/store';

const COLOR = {
  same: 'var(--border)',
  'left-only': 'var(--warn)',
  'right-only': 'var(--accent)',
};

/** One mark per aligned row, coloured by what differs; drawn once per comparison. */
const Strip = memo(function Strip({ view }: { view: CompareView }) {
  const findings = new Set(view.findings.flatMap((f) => f.rows));
  return (
    <>
      {view.rows.map((r, k) => (
        <rect key={k} x={k} width={1} y={6} height={14} fill={COLOR[r.kind]} />
      ))}
      {[...findings].map((k) => (
        <rect key={`f${k}`} x={k} width={1} y={0} height={5} fill="var(--bad)" />
      ))}
    </>
  );
});

/** Compare mode's timeline: the aligned rows, with a range input to seek through them. */
export function RowTimeline({ view }: { view: CompareView }) {
  const row = useAppStore((s) => s.compareRow);
  const length = view.rows.length;
  const at = view.rows[row - 1];
  return (
    <div className="timeline">
      <svg viewBox={`0 0 ${Math.max(1, length)} 26`} preserveAspectRatio="none" aria-hidden="true">
        <Strip view={view} />
        <rect x={Math.max(0, row - 0.5)} width={0.6} y={0} height={26} fill="var(--text)" />
      </svg>
      <input
        type="range"
        aria-label="Timeline"
        min={0}
        max={length}
        value={row}
        aria-valuetext={
          at ? `row ${row} of ${length}: ${(at.left ?? at.right)!.name}` : `row 0 of ${length}`
        }
        onChange={(e) => seek(Number(e.target.value))}
      />
      <div className="legend" aria-hidden="true">
        <span style={{ ['--swatch' as string]: COLOR.same }}>on both sides</span>
        <span style={{ ['--swatch' as string]: COLOR['left-only'] }}>left only</span>
        <span style={{ ['--swatch' as string]: COLOR['right-only'] }}>right only</span>
        <span style={{ ['--swatch' as string]: 'var(--bad)' }}>finding</span>
      </div>
    </div>
  );
}
