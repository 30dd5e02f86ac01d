import { memo } from 'react';
import { PHASES, type Finding, type Phase } from '../engine/view';
import {
  selectEvent,
  selectPhaseSegments,
  selectTraceLength,
  type PhaseSegment,
} from '../state/selectors';
import { useAppStore } from '../state/store';
import { TimelineFrame } from './TimelineFrame';

export const PHASE_LABEL: Record<Phase, string> = {
  'kvm-init': 'kvm.ko init',
  'vendor-init': 'vendor init',
  'mask-reset': 'mask reset',
  'hardware-setup': 'hardware_setup',
  'configure-mmu': 'kvm_configure_mmu',
  'mmu-setup': 'full MMU setup',
  unwind: 'error unwind',
  workload: 'workload',
  teardown: 'teardown',
};

const color = (p: Phase) => `var(--phase-${p})`;

/** The phases and findings: redrawn when the trace grows, not on every step. */
const Track = memo(function Track(props: {
  segments: PhaseSegment[];
  findings: Finding[];
  width: number;
}) {
  const { segments, findings, width } = props;
  return (
    <>
      {/* Keyed by position: an edit shifts segments, and moving a rect beats replacing it. */}
      {segments.map((s, i) => (
        <rect
          key={i}
          x={s.from}
          width={s.to - s.from + 1}
          y={6}
          height={14}
          fill={color(s.phase)}
        />
      ))}
      {findings.map((f, i) => (
        <rect
          key={i}
          x={f.events[0]!}
          width={Math.max(0.6, width / 400)}
          y={0}
          height={26}
          fill="var(--bad)"
        />
      ))}
    </>
  );
});

const NO_SEGMENTS: PhaseSegment[] = [];

/** The trace as coloured phase segments with finding markers; a range input underneath does the seeking. */
export function Timeline() {
  const length = useAppStore(selectTraceLength);
  const step = useAppStore((s) => s.step);
  const segments = useAppStore(selectPhaseSegments) ?? NO_SEGMENTS;
  const findings = useAppStore((s) => s.run.findings);
  const event = useAppStore(selectEvent);
  const width = Math.max(1, length);
  const present = new Set(segments.map((s) => s.phase));
  return (
    <TimelineFrame
      length={length}
      position={step}
      valueText={
        event
          ? `step ${step} of ${length}: ${PHASE_LABEL[event.phase]}, ${event.title}`
          : `step 0 of ${length}`
      }
      track={<Track segments={segments} findings={findings} width={width} />}
      legend={[
        ...PHASES.filter((p) => present.has(p)).map((p) => ({
          label: PHASE_LABEL[p],
          color: color(p),
        })),
        ...(findings.length > 0 ? [{ label: 'finding', color: 'var(--bad)' }] : []),
      ]}
    />
  );
}
