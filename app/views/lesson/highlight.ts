/**
 * What a lesson step points at, marked on the panes with a data attribute (styled in
 * lesson.css). The panes do not know about lessons: the marks are found by the data
 * attributes and classes the panes already carry, and put back whenever the panes
 * redraw (a MutationObserver), so a new run or a re-render never loses them.
 */
import type { Highlight, Pane } from '../../lessons';

export const MARK = 'data-lesson-mark';

const PANE_SELECTOR: Record<Pane, string> = {
  playback: 'section.playback',
  callstack: '.panel.callstack',
  masks: '.panel.masks',
  findings: '.panel.findings',
  caches: '.panel.caches',
  rmaps: '.panel.rmaps',
};

const attr = (name: string, value: string) => `[${name}="${CSS.escape(value)}"]`;

/** Marks what `h` names under `root` (and unmarks everything else); returns the marked rows. */
export function markHighlight(root: ParentNode, h: Highlight | undefined): Element[] {
  for (const el of root.querySelectorAll(`[${MARK}]`)) el.removeAttribute(MARK);
  if (!h) return [];
  const pane = root.querySelector(PANE_SELECTOR[h.pane]);
  pane?.setAttribute(MARK, 'pane');
  const scope: ParentNode = pane ?? root;
  const rows = [
    ...(h.masks ?? []).map((m) => attr('data-mask', m)),
    ...(h.config ?? []).map((c) => attr('data-config', c)),
    ...(h.caches ?? []).map((c) => attr('data-cache', c)),
    ...(h.lifecycle ?? []).map((c) => attr('data-lifecycle', c)),
  ].flatMap((selector) => [...scope.querySelectorAll(selector)]);
  for (const r of rows) r.setAttribute(MARK, 'row');
  if (h.bits) {
    // The strip draws bit 63 first (viz/bitStrip.ts).
    const cells = scope.querySelectorAll(`${attr('data-mask', h.bits.mask)} svg.bits rect`);
    for (const b of h.bits.bits) cells[63 - b]?.setAttribute(MARK, 'bit');
  }
  return rows;
}

/**
 * Keeps `h` marked under `root` while the panes redraw; returns the stop function.
 * `onMarked` hears the rows marked the first time.
 */
export function keepHighlighted(
  root: Element,
  h: Highlight | undefined,
  onMarked: (rows: Element[], pane: Element | null) => void,
): () => void {
  let frame = 0;
  const apply = () => {
    frame = 0;
    observer.disconnect();
    markHighlight(root, h);
    observer.observe(root, { childList: true, subtree: true });
  };
  const observer = new MutationObserver(() => {
    frame ||= requestAnimationFrame(apply);
  });
  const rows = markHighlight(root, h);
  onMarked(rows, h ? root.querySelector(PANE_SELECTOR[h.pane]) : null);
  observer.observe(root, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
    markHighlight(root, undefined);
  };
}
