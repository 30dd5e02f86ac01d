/**
 * The welcome, which is also the help: what is on screen, three ways in, the
 * lessons and the keys. It opens by itself on a first visit (a visit with no link,
 * before it was ever closed) and with ? at any time.
 */
import { useEffect, useId, useRef } from 'react';
import { seriesOfId, vendorModule, type ScenarioInput } from '../engine/view';
import { LESSONS, TOUR_ID } from '../lessons';
import { closeDialog, openDialog } from '../state/actions';
import { COMMANDS } from '../state/commands';
import { openComparison } from '../state/compare';
import { exitLesson, openLesson } from '../state/lesson';
import { useAppStore } from '../state/store';
import { ModalDialog } from './Dialog';
import { markWelcomeSeen, safeLocalStorage } from './firstVisit';
import { openGlossary } from './Glossary';
import { THREAD_ARGUMENTS } from './presets';

const PANES: { name: string; what: string }[] = [
  {
    name: 'Player and timeline',
    what: 'Step, play and restart; the coloured bar is the whole run by phase, and red ticks mark what the checker found.',
  },
  {
    name: 'Call stack',
    what: 'The functions running now, each linked to its source, and what the current step does. The Ordering tab lets you move steps and see what breaks.',
  },
  {
    name: 'PTE masks',
    what: 'The 64-bit globals that decide the bits of every page-table entry KVM writes; changed bits flash. Below them, the MMU’s configuration.',
  },
  {
    name: 'Findings',
    what: 'What goes wrong in this run: masks overwritten, globals read too early, leaks, double frees, warnings.',
  },
  {
    name: 'kmem caches',
    what: 'The memory pools the MMU creates: object sizes, slabs, and the pointers kvm.ko keeps to them.',
  },
  {
    name: 'Reverse maps',
    what: 'With a workload: for one guest page, the list of entries that map it, and totals for the VM.',
  },
];

/** “Review the 2022 series”: the series’ patch against what shipped, with the thread’s other arguments at hand. */
function reviewTheSeries() {
  const argument = THREAD_ARGUMENTS.find((a) => a.id === 'never-merged')!;
  openComparison(argument.left, argument.right);
  closeDialog();
  requestAnimationFrame(() =>
    document
      .querySelector<HTMLSelectElement>('select[aria-label="Arguments from the review thread"]')
      ?.focus(),
  );
}

/** How a scenario's kernel reads in a sentence: “Linux 6.6”, or the variant's title. */
function kernelName(input: ScenarioInput): string {
  const series = seriesOfId(input.kernel);
  if (series) return `Linux ${series}`;
  return useAppStore.getState().catalog.find((c) => c.id === input.kernel)?.title ?? input.kernel;
}

/** “Step through a kernel”: the one on screen (on a first visit, the newest longterm one). */
function stepThrough() {
  exitLesson();
  closeDialog();
  requestAnimationFrame(() =>
    document.querySelector<HTMLButtonElement>('.playback button[title^="Step forward"]')?.focus(),
  );
}

const KEYS = COMMANDS.filter((c) => c.id !== 'help');

/** One way in: named by its title, described by its line. */
function Way(props: { title: string; what: string; onClick: () => void; first?: boolean }) {
  const id = useId();
  return (
    <button
      type="button"
      className="way"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      data-autofocus={props.first || undefined}
      onClick={props.onClick}
    >
      <strong id={`${id}-title`}>{props.title}</strong>
      <span id={`${id}-what`}>{props.what}</span>
    </button>
  );
}

export function Welcome() {
  const open = useAppStore((s) => s.dialog === 'help');
  const wasOpen = useRef(open);
  useEffect(() => {
    // Closed once, by any way out: it stays closed on the next visits.
    if (wasOpen.current && !open) markWelcomeSeen(safeLocalStorage());
    wasOpen.current = open;
  }, [open]);
  const tour = LESSONS.find((l) => l.id === TOUR_ID);
  const input = useAppStore((s) => s.input);
  return (
    <ModalDialog name="help" titleId="welcome-title" className="welcome">
      <h2 id="welcome-title">Welcome to the KVM MMU visualizer</h2>
      <p className="modal-lead">
        Step through what Linux does when it loads KVM, its hypervisor, and sets up the memory
        management (the MMU) that guests run on: which function runs, which global it changes, and
        what breaks when the order is wrong.
      </p>
      <div className="ways" role="group" aria-label="Ways in">
        <Way
          title="Take the tour"
          what={
            tour
              ? `${tour.steps.length} short steps through every pane, on ${kernelName(tour.scenario)}`
              : 'Short steps through every pane'
          }
          onClick={() => openLesson(TOUR_ID)}
          first
        />
        <Way
          title="Step through a kernel"
          what={`${kernelName(input)} loading ${vendorModule(input.vendor)}, at your own pace`}
          onClick={stepThrough}
        />
        <Way
          title="Review the 2022 series"
          what="The never-merged patch this app grew from, next to what shipped"
          onClick={reviewTheSeries}
        />
      </div>
      <h3>On screen</h3>
      <dl className="welcome-panes">
        {PANES.map((p) => (
          <div key={p.name}>
            <dt>{p.name}</dt>
            <dd>{p.what}</dd>
          </div>
        ))}
      </dl>
      <h3>Lessons</h3>
      <ol className="welcome-lessons">
        {LESSONS.filter((l) => l.id !== TOUR_ID).map((l) => (
          <li key={l.id}>
            <button type="button" className="link" onClick={() => openLesson(l.id)}>
              {l.title}
            </button>
            <span> — {l.summary}</span>
          </li>
        ))}
      </ol>
      <h3>Keys</h3>
      <p className="welcome-keys">
        {KEYS.map((c) => (
          <span key={c.id}>
            <kbd>{c.keyLabel}</kbd>{' '}
            {c.id === 'play' ? 'play / pause' : c.label(useAppStore.getState())}
          </span>
        ))}
        <span>
          <kbd>?</kbd> this help
        </span>
        <span>
          <kbd>Esc</kbd> close
        </span>
      </p>
      <p className="modal-note">
        The keys work wherever the focus is, except while you type in a text field; Space presses a
        focused button.
      </p>
      <p className="modal-actions">
        <button type="button" onClick={() => openGlossary()}>
          Glossary
        </button>
        <button type="button" onClick={() => openDialog('legend')}>
          Colours and animations
        </button>
        <button type="button" onClick={closeDialog}>
          Close
        </button>
      </p>
    </ModalDialog>
  );
}
