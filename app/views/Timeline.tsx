import { memo } from 'react';
import { PHASES, type Finding, type Phase, type ValueAccess } from '../engine/view';
import {
  selectEvent,
  selectPhaseSegments,
  selectTraceLength,
  type PhaseSegment,
} from '../state/selectors';
import { useAppStore } from '../state/store';
import { selectValueHistory, valueName, type OpenHistory } from '../state/valueHistory';
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

/** The open value's steps: writes above the phases, reads below them. */
const HistoryMarks = memo(function HistoryMarks(props: {
  accesses: readonly ValueAccess[];
  width: number;
}) {
  const w = Math.max(0.6, props.width / 400);
  return (
    <>
      {props.accesses.map((a) => (
        <rect
          key={a.event}
          data-history={a.access}
          data-event={a.event}
          x={a.event}
          width={w}
          y={a.access === 'write' ? 0 : 19}
          height={a.access === 'write' ? 9 : 7}
          fill={a.access === 'write' ? 'var(--history-write)' : 'var(--history-read)'}
        />
      ))}
    </>
  );
});

/** "; writes shadow_mmio_mask" when the step shown is one of the open value's. */
function historyNote(history: OpenHistory | null, step: number): string {
  const a = history?.accesses?.find((x) => x.event === step - 1);
  return a ? `; ${a.access === 'write' ? 'writes' : 'reads'} ${valueName(history!.key)}` : '';
}

const NO_SEGMENTS: PhaseSegment[] = [];

/** The trace as coloured phase segments with finding markers; a range input underneath does the seeking. */
export function Timeline() {
  const length = useAppStore(selectTraceLength);
  const step = useAppStore((s) => s.step);
  const segments = useAppStore(selectPhaseSegments) ?? NO_SEGMENTS;
  const findings = useAppStore((s) => s.run.findings);
  const event = useAppStore(selectEvent);
  const history = useAppStore(selectValueHistory);
  const width = Math.max(1, length);
  const present = new Set(segments.map((s) => s.phase));
  return (
    <TimelineFrame
      length={length}
      position={step}
      valueText={
        (event
          ? `step ${step} of ${length}: ${PHASE_LABEL[event.phase]}, ${event.title}`
          : `step 0 of ${length}`) + historyNote(history, step)
      }
      track={
        <>
          <Track segments={segments} findings={findings} width={width} />
          {history?.accesses && <HistoryMarks accesses={history.accesses} width={width} />}
        </>
      }
      legend={[
        ...PHASES.filter((p) => present.has(p)).map((p) => ({
          label: PHASE_LABEL[p],
          color: color(p),
        })),
        ...(findings.length > 0 ? [{ label: 'finding', color: 'var(--bad)' }] : []),
        ...(history
          ? [
              { label: `writes ${valueName(history.key)}`, color: 'var(--history-write)' },
              { label: 'reads it', color: 'var(--history-read)' },
            ]
          : []),
      ]}
    />
  );
}
