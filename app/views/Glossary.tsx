/**
 * Kernel terms that explain themselves: on hover and on keyboard focus a tooltip
 * shows the glossary's definition (app/lessons/glossary.ts and glossaryDefinitions.ts,
 * the one source), and screen readers get it as the element's description
 * (aria-describedby). Pressing a term opens the glossary at it. The definitions are a
 * chunk of their own, fetched while the browser is idle or on the first hover or focus.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { create } from 'zustand';
import { GLOSSARY, glossaryEntry, type GlossaryEntry } from '../lessons/glossary';
import { openDialog } from '../state/actions';

interface DefinitionsState {
  /** Each entry's definition by id, once their chunk is in. */
  words: Readonly<Record<string, string>> | null;
  /** The last fetch failed; the next hover or focus tries again. */
  failed: boolean;
}
const useDefinitions = create<DefinitionsState>(() => ({ words: null, failed: false }));
let loading: Promise<void> | null = null;

/** Fetches the definitions (once; again after a failure). Never rejects: the state says how it went. */
export function loadDefinitions(): Promise<void> {
  loading ??= import('../lessons/glossaryDefinitions').then(
    (m) => useDefinitions.setState({ words: m.DEFINITIONS, failed: false }),
    () => {
      loading = null;
      useDefinitions.setState({ failed: true });
    },
  );
  return loading;
}

/** The id of the hidden element holding an entry's definition. */
const definitionId = (e: GlossaryEntry) => `glossary-def-${e.id.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

interface TipState {
  /** The entry shown, and the element it explains. */
  entry: GlossaryEntry | null;
  anchor: Element | null;
  /** The entry the glossary dialog scrolls to when it opens. */
  focus: string | null;
}
/** The tooltip's state, and the entry the glossary dialog (GlossaryDialog.tsx) opens at. */
export const useTip = create<TipState>(() => ({ entry: null, anchor: null, focus: null }));

/** Hiding waits a moment, so the pointer can move onto the tooltip (and stay there). */
const HIDE_AFTER_MS = 150;
let hideTimer: ReturnType<typeof setTimeout> | undefined;
const cancelHide = () => clearTimeout(hideTimer);
function showTip(entry: GlossaryEntry, anchor: Element) {
  cancelHide();
  if (!useDefinitions.getState().words) {
    useDefinitions.setState({ failed: false });
    void loadDefinitions();
  }
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
  const words = useDefinitions((s) => s.words);
  if (!words) return null;
  return (
    <div hidden>
      {GLOSSARY.map((e) => (
        <span key={e.id} id={definitionId(e)}>
          {words[e.id]}
        </span>
      ))}
    </div>
  );
}

const MARGIN = 8;

/** The visible tooltip, next to the element it explains, kept inside the window. */
export function GlossaryTooltip() {
  const { entry, anchor } = useTip();
  const { words, failed } = useDefinitions();
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
  }, [entry, anchor, words, failed]); // the words change the tooltip's size
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
      <strong>{entry.term}</strong>{' '}
      {words
        ? words[entry.id]
        : failed
          ? 'The definitions could not be loaded (the connection dropped or the app was updated): point at the term again to retry.'
          : 'Loading the definition…'}
    </div>
  );
}
