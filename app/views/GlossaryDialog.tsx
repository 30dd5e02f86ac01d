import { useEffect, useId, useMemo, useState } from 'react';
import { GLOSSARY } from '../lessons/glossary';
import { DEFINITIONS } from '../lessons/glossaryDefinitions';
import { ModalDialog } from './Dialog';
import { useTip } from './Glossary';

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
        (e) =>
          !f || e.term.toLowerCase().includes(f) || DEFINITIONS[e.id]!.toLowerCase().includes(f),
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
            <dd>{DEFINITIONS[e.id]}</dd>
          </div>
        ))}
      </dl>
      {entries.length === 0 && <p>No term matches “{filter}”.</p>}
    </>
  );
}
