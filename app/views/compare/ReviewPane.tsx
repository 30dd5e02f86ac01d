import { useState } from 'react';
import { download } from '../../share/files';
import { useAppStore } from '../../state/store';
import { useTransientStatus } from '../useTransientStatus';

const FORMATS = [
  { id: 'text', label: 'Plain text', ext: 'txt', type: 'text/plain' },
  { id: 'markdown', label: 'Markdown', ext: 'md', type: 'text/markdown' },
] as const;

/**
 * The comparison as a review (the same text as `mmu compare`), and as a reply to send
 * (`mmu compare --format mail`).
 */
export function ReviewPane({ className }: { className: string }) {
  const view = useAppStore((s) => s.comparison.view);
  const [format, setFormat] = useState<(typeof FORMATS)[number]>(FORMATS[0]);
  const [status, say] = useTransientStatus();
  if (!view) return null;
  const text = view.report[format.id];
  const copy = (what: string, copied: string) =>
    navigator.clipboard.writeText(what).then(
      () => say(copied),
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
        <button type="button" onClick={() => void copy(text, `${format.label} review copied`)}>
          Copy review
        </button>
        <button
          type="button"
          title="The review as a mail reply: 72 columns, the ordering it answers quoted, In-Reply-To and Link: lines"
          onClick={() => void copy(view.report.mail, 'Reply copied')}
        >
          Copy as reply
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
