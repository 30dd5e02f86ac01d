import { useState } from 'react';
import { lazyView } from './lazy';

const MoreParamsBody = lazyView(
  () => import('./MoreParamsBody').then((m) => m.MoreParamsBody),
  'the parameters',
);
export const loadMoreParams = MoreParamsBody.preload;

/**
 * The closed section is all the first screen shows; its body comes when it first opens
 * and then stays, as it did in the section, so closing it keeps what is typed there.
 */
export function MoreParams() {
  const [opened, setOpened] = useState(false);
  return (
    <details
      className="more-params"
      onToggle={(e) => {
        if (e.currentTarget.open) setOpened(true);
      }}
    >
      <summary>More parameters</summary>
      {opened && <MoreParamsBody />}
    </details>
  );
}
