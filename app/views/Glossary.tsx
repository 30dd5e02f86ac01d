/**
 * Kernel terms that explain themselves: on hover and on keyboard focus a tooltip
 * shows the glossary's definition (app/lessons/glossary.ts, the one source), and
 * screen readers get it as the element's description (aria-describedby). Pressing a
 * term opens the glossary at it.
 */
import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { create } from 'zustand';
import { GLOSSARY, glossaryEntry, type GlossaryEntry } from '../lessons';
import { openDialog } from '../state/actions';
import { ModalDialog } from './Dialog';

/** The id of the hidden element holding an entry's definition. */
const definitionId = (e: GlossaryEntry) => `glossary-def-${e.id.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

interface TipState {
  /** The entry shown, and the element it explains. */
  entry: GlossaryEntry | null;
  anchor: Element | null;
  /** The entry the glossary dialog scrolls to when it opens. */
  focus: string | null;
}
const useTip = create<TipState>(() => ({ entry: null, anchor: null, focus: null }));

/** Hiding waits a moment, so the pointer can move onto the tooltip (and stay there). */
const HIDE_AFTER_MS = 150;
let hideTimer: ReturnType<typeof setTimeout> | undefined;
const cancelHide = () => clearTimeout(hideTimer);
function showTip(entry: GlossaryEntry, anchor: Element) {
  cancelHide();
  useTip.setState({ entry, anchor });
}
function hideTip(now = false) {
  cancelHide();
  if (now) useTip.setState({ entry: null, anchor: null });
  else hideTimer = setTimeout(() => useTip.setState({ entry: null, anchor: null }), HIDE_AFTER_MS);
}

/** Opens the glossary dialog at an entry. */
export function openGlossary(id: string | null = null): void {
  hideTip(true);
  useTip.setState({ focus: id });
  openDialog('glossary');
}

/**
 * Props that make any element explain `name` (spread them on it): its description,
 * and the tooltip on hover and focus. `anchor`: what the tooltip points at, when not
 * the element itself (a checkbox inside its label). Empty for a name the glossary
 * does not know.
 */
export function termProps(name: string, anchor?: (el: HTMLElement) => Element | null) {
  const entry = glossaryEntry(name);
  if (!entry) return {};
  const at = (el: HTMLElement) => anchor?.(el) ?? el;
  return {
    'aria-describedby': definitionId(entry),
    onPointerEnter: (e: React.PointerEvent<HTMLElement>) => showTip(entry, at(e.currentTarget)),
    onPointerLeave: () => hideTip(),
    onFocus: (e: React.FocusEvent<HTMLElement>) => showTip(entry, at(e.currentTarget)),
    onBlur: () => hideTip(),
  };
}

/** A term in running text or a pane: a button that explains itself, and opens the glossary when pressed. */
export function Term({
  name,
  children,
  className,
}: {
  name: string;
  children?: ReactNode;
  className?: string;
}) {
  const entry = glossaryEntry(name);
  const shown = children ?? name;
  if (!entry) return <>{shown}</>;
  return (
    <button
      type="button"
      className={`term ${className ?? ''}`}
      {...termProps(name)}
      onClick={() => openGlossary(entry.id)}
    >
      {shown}
    </button>
  );
}

/** The definitions the terms' aria-describedby point at (render once, wherever terms are). */
export function GlossaryDefinitions() {
  return (
    <div hidden>
      {GLOSSARY.map((e) => (
        <span key={e.id} id={definitionId(e)}>
          {e.definition}
        </span>
      ))}
    </div>
  );
}

const MARGIN = 8;

/** The visible tooltip, next to the element it explains, kept inside the window. */
export function GlossaryTooltip() {
  const { entry, anchor } = useTip();
  const ref = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  useLayoutEffect(() => {
    if (!entry) return;
    const follow = () => {
      const tip = ref.current;
      if (!tip || !anchor?.isConnected) return setPlace(null);
      const a = anchor.getBoundingClientRect();
      const left = Math.max(MARGIN, Math.min(a.left, innerWidth - tip.offsetWidth - MARGIN));
      const below = a.bottom + 6;
      const fitsBelow = below + tip.offsetHeight + MARGIN <= innerHeight;
      setPlace({ left, top: fitsBelow ? below : Math.max(MARGIN, a.top - tip.offsetHeight - 6) });
    };
    follow();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') hideTip(true);
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('scroll', follow, true);
    window.addEventListener('resize', follow);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('scroll', follow, true);
      window.removeEventListener('resize', follow);
    };
  }, [entry, anchor]);
  if (!entry) return null;
  return (
    // The words reach screen readers through the term's aria-describedby; this is for the eyes.
    <div
      ref={ref}
      className="glossary-tip"
      aria-hidden="true"
      style={place ? { left: place.left, top: place.top } : { visibility: 'hidden' }}
      onPointerEnter={cancelHide}
      onPointerLeave={() => hideTip()}
    >
      <strong>{entry.term}</strong> {entry.definition}
    </div>
  );
}

/** Every term, with a filter; opened from the help, the lessons and any term. */
export function GlossaryDialog() {
  return (
    <ModalDialog name="glossary" titleId="glossary-title" className="glossary-dialog">
      <GlossaryList />
    </ModalDialog>
  );
}

function GlossaryList() {
  const focus = useTip((s) => s.focus);
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const entries = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return [...GLOSSARY]
      .sort((a, b) => a.term.localeCompare(b.term))
      .filter(
        (e) => !f || e.term.toLowerCase().includes(f) || e.definition.toLowerCase().includes(f),
      );
  }, [filter]);
  // The dialog opens in its own effect, after this one: scroll once it is shown.
  useEffect(() => {
    if (!focus) return;
    const frame = requestAnimationFrame(() =>
      document.getElementById(`glossary-entry-${focus}`)?.scrollIntoView({ block: 'center' }),
    );
    return () => cancelAnimationFrame(frame);
  }, [focus]);
  return (
    <>
      <h2 id="glossary-title">Glossary</h2>
      <p className="modal-lead">
        The kernel words this app uses, in plain terms. Hover over or tab to any of them on the
        panes to read the same words.
      </p>
      <label htmlFor={filterId} className="glossary-filter">
        Filter
        <input
          id={filterId}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="gfn, slab, EPT…"
        />
      </label>
      <dl className="glossary-list">
        {entries.map((e) => (
          <div
            key={e.id}
            id={`glossary-entry-${e.id}`}
            className={e.id === focus ? 'focused' : undefined}
          >
            <dt>{e.term}</dt>
            <dd>{e.definition}</dd>
          </div>
        ))}
      </dl>
      {entries.length === 0 && <p>No term matches “{filter}”.</p>}
    </>
  );
}
