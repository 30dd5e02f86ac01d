import type { ReactNode } from 'react';
import { seek } from '../state/actions';

/**
 * What both timelines share (the single run's phases, compare mode's rows): a drawn
 * track with the cursor on it, a range input that seeks, and a legend.
 */
export function TimelineFrame({
  length,
  position,
  valueText,
  track,
  legend,
}: {
  length: number;
  position: number;
  valueText: string;
  /** SVG drawn in a viewBox one unit wide per step or row. */
  track: ReactNode;
  legend: { label: string; color: string }[];
}) {
  const width = Math.max(1, length);
  return (
    <div className="timeline">
      <svg viewBox={`0 0 ${width} 26`} preserveAspectRatio="none" aria-hidden="true">
        {track}
        <rect
          x={Math.max(0, position - Math.max(0.5, width / 600))}
          width={Math.max(1, width / 300)}
          y={0}
          height={26}
          fill="var(--text)"
        />
      </svg>
      <input
        type="range"
        aria-label="Timeline"
        min={0}
        max={length}
        value={position}
        aria-valuetext={valueText}
        onChange={(e) => seek(Number(e.target.value))}
      />
      <div className="legend" aria-hidden="true">
        {legend.map((l) => (
          <span key={l.label} style={{ ['--swatch' as string]: l.color }}>
            {l.label}
          </span>
        ))}
      </div>
    </div>
  );
}
