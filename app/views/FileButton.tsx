import { useRef } from 'react';

/** A button that opens the browser's file picker and hands over the file chosen. */
export function FileButton({
  label,
  inputLabel,
  accept,
  title,
  onFile,
}: {
  label: string;
  /** The hidden file input's accessible name (tests set files through it). */
  inputLabel: string;
  accept: string;
  title?: string;
  onFile: (file: File) => void;
}) {
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => fileRef.current?.click()} title={title}>
        {label}
      </button>
      <input
        ref={fileRef}
        type="file"
        accept={accept}
        hidden
        aria-label={inputLabel}
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared, so choosing the same file again opens it again.
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
