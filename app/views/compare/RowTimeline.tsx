import { memo } from 'react';
import type { CompareView } from '../../engine/view';
import { useAppStore } from '../../state/store';
import { TimelineFrame } from '../TimelineFrame';

const COLOR = {
  same: 'var(--border)',
  'left-only': 'var(--warn)',
  'right-only': 'var(--accent)',
};
const LEGEND = [
  { label: 'on both sides', color: COLOR.same },
  { label: 'left only', color: COLOR['left-only'] },
  { label: 'right only', color: COLOR['right-only'] },
  { label: 'finding', color: 'var(--bad)' },
];

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
    <TimelineFrame
      length={length}
      position={row}
      valueText={
        at ? `row ${row} of ${length}: ${(at.left ?? at.right)!.name}` : `row 0 of ${length}`
      }
      track={<Strip view={view} />}
      legend={LEGEND}
    />
  );
}
