import { useState } from 'react';
import { lazyView } from './lazy';

const MoreParamsBody = lazyView(
  () => import('./MoreParamsBody').then((m) => m.MoreParamsBody),
  'the parameters',
);
export const loadMoreParams = MoreParamsBody.preload;

/** The closed section is all the first screen shows; its body comes when it opens. */
export function MoreParams() {
  const [open, setOpen] = useState(false);
  return (
    <details className="more-params" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>More parameters</summary>
      {open && <MoreParamsBody />}
    </details>
  );
}
