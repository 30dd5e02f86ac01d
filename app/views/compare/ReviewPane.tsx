import { useState } from 'react';
import { download } from '../../share/files';
import { useAppStore } from '../../state/store';
import { useTransientStatus } from '../useTransientStatus';

const FORMATS = [
  { id: 'text', label: 'Plain text', ext: 'txt', type: 'text/plain' },
  { id: 'markdown', label: 'Markdown', ext: 'md', type: 'text/markdown' },
] as const;

/** The comparison as a review to paste into a mailing-list reply (the same text as `mmu compare`). */
export function ReviewPane({ className }: { className: string }) {
  const view = useAppStore((s) => s.comparison.view);
  const [format, setFormat] = useState<(typeof FORMATS)[number]>(FORMATS[0]);
  const [status, say] = useTransientStatus();
  if (!view) return null;
  const text = view.report[format.id];
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => say(`${format.label} review copied`),
      () => say('Copying is blocked here: select the text and copy it'),
    );
  const [l, r] = view.sides;
  return (
    <section className={`panel review ${className}`} aria-label="Review summary">
      <h2>Review summary</h2>
      <div className="review-tools">
        <div role="radiogroup" aria-label="Format">
          {FORMATS.map((f) => (
            <label key={f.id}>
              <input
                type="radio"
                name="review-format"
                checked={format.id === f.id}
                onChange={() => setFormat(f)}
              />
              {f.label}
            </label>
          ))}
        </div>
        <button type="button" onClick={() => void copy()}>
          Copy review
        </button>
        <button
          type="button"
          onClick={() =>
            download(
              `review-${l.kernel}-vs-${r.kernel}.${format.ext}`,
              new Blob([text], { type: format.type }),
            )
          }
        >
          Download review
        </button>
        <span role="status" className="confirm">
          {status}
        </span>
      </div>
      <pre tabIndex={0} aria-label={`${format.label} review`}>
        {text}
      </pre>
    </section>
  );
}
