/**
 * What the colours and animations mean, drawn with the same theme colours the panes
 * use (so it is right in both themes). Opened from the masks pane and the help.
 */
import { PHASES, type Origin, type PagingFormat } from '../engine/view';
import { LEGEND } from '../engine/viewDetails';
import { ModalDialog } from './Dialog';
import { PHASE_LABEL } from './Timeline';
import { WRITER_LABEL } from './panes/MasksPane';

function Cell({ on, changed }: { on: boolean; changed?: boolean }) {
  return (
    <svg width={12} height={14} aria-hidden="true" className="legend-cell">
      <rect
        x={2}
        y={2}
        width={8}
        height={10}
        rx={1}
        fill={on ? 'var(--bit-on)' : 'var(--bit-off)'}
        stroke={changed ? 'var(--bit-changed)' : 'none'}
        strokeWidth={1.5}
      />
    </svg>
  );
}

const Swatch = ({ color }: { color: string }) => (
  <span className="legend-swatch" style={{ background: color }} aria-hidden="true" />
);

const FORMAT_NAME: Record<PagingFormat, string> = {
  x86: 'x86 page-table entries (shadow paging, NPT)',
  ept: 'EPT entries (Intel with EPT)',
};

const ORIGINS: { origin: Origin; what: string }[] = [
  { origin: 'reset', what: 'the mask reset (kvm_mmu_reset_all_pte_masks())' },
  { origin: 'vmx', what: 'Intel’s kvm_intel (VMX)' },
  { origin: 'svm', what: 'AMD’s kvm_amd (SVM)' },
  { origin: 'common', what: 'loading kvm.ko (its globals start at zero)' },
];

export function LegendDialog() {
  return (
    <ModalDialog name="legend" titleId="legend-title" className="legend-dialog">
      <h2 id="legend-title">Colours and animations</h2>
      <h3>Mask bits</h3>
      <ul className="legend-list">
        <li>
          <Cell on={false} /> a bit that is 0 · <Cell on /> a bit that is 1
        </li>
        <li>
          <Cell on changed /> <Cell on={false} changed /> an orange outline: the bit changed at this
          step (to 1, or to 0)
        </li>
        <li>
          A changed bit <strong>flashes</strong> orange and fades to its colour: for about half a
          second when you step at reading pace, briefly while playing at 4–8 steps a second, not at
          all when steps come faster or your system asks for reduced motion.
        </li>
        <li>
          <span className="legend-row">a tinted row</span> the mask or config value changed at this
          step.
        </li>
        <li>
          <span className="legend-lesson">a purple outline</span> what the current lesson step
          points at.
        </li>
      </ul>
      <h3>Who wrote a mask last (the “by” column)</h3>
      <ul className="legend-list">
        {ORIGINS.map(({ origin, what }) => (
          <li key={origin}>
            <span className={`badge ${origin}`}>{WRITER_LABEL[origin]}</span> {what}
          </li>
        ))}
      </ul>
      <h3>Bit fields (the ruler over the bits)</h3>
      <p>
        Which bits mean what depends on the page-table format the masks are for; the pane says which
        one it shows.
      </p>
      {(['x86', 'ept'] as const).map((format) => (
        <details key={format} className="legend-fields">
          <summary>{FORMAT_NAME[format]}</summary>
          <table>
            <tbody>
              {LEGEND[format].map((f) => (
                <tr key={f.hi}>
                  <th scope="row">{f.short}</th>
                  <td>{f.title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
      <h3>The timeline</h3>
      <ul className="legend-list columns">
        {PHASES.map((p) => (
          <li key={p}>
            <Swatch color={`var(--phase-${p})`} /> {PHASE_LABEL[p]}
          </li>
        ))}
        <li>
          <Swatch color="var(--bad)" /> a step a finding names
        </li>
      </ul>
      <h3>kmem caches and reverse maps</h3>
      <ul className="legend-list">
        <li>
          <span className="legend-bar" aria-hidden="true">
            <span />
          </span>{' '}
          objects in use out of the slabs’ room; ticks mark slab boundaries. A greyed card is a
          destroyed cache.
        </li>
        <li>
          <span className="ok">→ #0</span> a pointer to a live cache ·{' '}
          <span className="muted">NULL</span> not set ·{' '}
          <span className="bad">destroyed (dangling)</span> a pointer to a destroyed cache
        </li>
        <li>
          <span className="legend-slot used" aria-hidden="true" /> a descriptor slot holding an SPTE
          · <span className="legend-slot" aria-hidden="true" /> an empty slot
        </li>
      </ul>
    </ModalDialog>
  );
}
