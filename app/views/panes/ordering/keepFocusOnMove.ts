/**
 * Lets React reorder a list's rows without taking focus off the row that moves.
 * React moves a keyed child with insertBefore(), which for the focused row means
 * taking it out of the document: focus is lost, a layout is forced, and React puts
 * focus back, reading every ancestor's scroll position (another forced layout).
 * Element.moveBefore() (Chromium 133+) moves a node with its state, focus included;
 * where it exists, the list's own insertBefore() uses it for rows already in it.
 */
type Movable = HTMLElement & { moveBefore?(node: Node, child: Node | null): void };

export function keepFocusOnMove(list: HTMLElement | null): void {
  const el = list as Movable | null;
  if (!el?.moveBefore) return;
  el.insertBefore = function <T extends Node>(this: Movable, node: T, child: Node | null): T {
    if (node.parentNode !== this || !this.isConnected)
      return Node.prototype.insertBefore.call(this, node, child) as T;
    this.moveBefore!(node, child);
    return node;
  };
}
