import { parseText, type Segment } from '../../lessons';
import { Term } from '../Glossary';

function Inline({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.kind === 'text' ? (
          s.text
        ) : s.kind === 'code' ? (
          <code key={i}>{s.text}</code>
        ) : (
          <Term key={i} name={s.term}>
            {s.text}
          </Term>
        ),
      )}
    </>
  );
}

/** A lesson's words: paragraphs, with glossary terms and code. */
export function LessonText({ text, inline = false }: { text: string; inline?: boolean }) {
  const paragraphs = parseText(text);
  if (inline) return <Inline segments={paragraphs.flat()} />;
  return (
    <>
      {paragraphs.map((p, i) => (
        <p key={i}>
          <Inline segments={p} />
        </p>
      ))}
    </>
  );
}
