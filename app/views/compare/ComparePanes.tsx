import { AlignedRowsPane } from './AlignedRowsPane';
import { CompareFindingsPane } from './CompareFindingsPane';
import { DifferencesPane } from './DifferencesPane';
import { ReviewPane } from './ReviewPane';
import './compare.css';

/** Compare mode's panes beside the left column: one chunk, loaded when a comparison opens. */
export function ComparePanes() {
  return (
    <>
      <AlignedRowsPane className="area-aligned" />
      <DifferencesPane className="area-differences" />
      <CompareFindingsPane className="area-findings" />
      <ReviewPane className="area-review" />
    </>
  );
}
