import { GlossaryDefinitions, GlossaryDialog, GlossaryTooltip } from './Glossary';
import { LegendDialog } from './Legend';
import { Welcome } from './Welcome';

/** The dialogs and the glossary's tooltip, in the full app and in embeds alike. */
export function Dialogs() {
  return (
    <>
      <Welcome />
      <GlossaryDialog />
      <LegendDialog />
      <GlossaryDefinitions />
      <GlossaryTooltip />
    </>
  );
}
