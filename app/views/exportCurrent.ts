/**
 * The view on screen as an image: ShareMenu loads this module (and the exporters
 * behind it) as its own chunk, on the first export.
 */
import { viewSnapshot } from '../state/snapshot';
import { useAppStore } from '../state/store';
import { renderCompareSvg } from '../viz/exportCompare';
import { renderViewSvg } from '../viz/exportView';

export { svgToPng } from '../viz/exportView';

/** The view as SVG: the comparison in compare mode, the single run otherwise. */
export function currentSvg(): string {
  const s = useAppStore.getState();
  const compared = s.view === 'compare' ? s.comparison.view : null;
  return compared ? renderCompareSvg(compared, s.compareRow) : renderViewSvg(viewSnapshot(s));
}
