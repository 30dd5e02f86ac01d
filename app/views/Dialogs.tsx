import { useState } from 'react';
import { loadLessons } from '../state/lesson';
import { useAppStore, type Dialog } from '../state/store';
import { GlossaryDefinitions, GlossaryTooltip } from './Glossary';
import { lazyView, type LazyView } from './lazy';

/** The welcome lists the lessons and opens them (state/lesson.ts needs them loaded). */
const Welcome = lazyView(
  () => Promise.all([import('./Welcome'), loadLessons()]).then(([m]) => m.Welcome),
  'the welcome',
);
const GlossaryDialog = lazyView(
  () => import('./GlossaryDialog').then((m) => m.GlossaryDialog),
  'the glossary',
);
const LegendDialog = lazyView(() => import('./Legend').then((m) => m.LegendDialog), 'the legend');

/** Each dialog's chunk, for the app to fetch while idle. */
export const DIALOG_CHUNKS = [Welcome.preload, GlossaryDialog.preload, LegendDialog.preload];

/**
 * A dialog's chunk is fetched when it first opens; after that it stays mounted, so
 * closing it is the native dialog's close (which gives the focus back).
 */
function WhenOpened({ name, view: View }: { name: Dialog; view: LazyView<object> }) {
  const opened = useAppStore((s) => s.dialog === name);
  const [everOpened, setEverOpened] = useState(opened);
  if (opened && !everOpened) setEverOpened(true);
  return everOpened || opened ? <View /> : null;
}

/** The dialogs and the glossary's tooltip, in the full app and in embeds alike. */
export function Dialogs() {
  return (
    <>
      <WhenOpened name="help" view={Welcome} />
      <WhenOpened name="glossary" view={GlossaryDialog} />
      <WhenOpened name="legend" view={LegendDialog} />
      <GlossaryDefinitions />
      <GlossaryTooltip />
    </>
  );
}
