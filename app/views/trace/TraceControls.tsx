import { useRef } from 'react';
import { openTraceFile } from '../../share/files';
import { useAppStore } from '../../state/store';

/** "Open trace…": a function_graph capture from a real kernel, held against the model. */
export function TraceControls() {
  const fileRef = useRef<HTMLInputElement>(null);
  const opening = useAppStore((s) => s.traceCheck.opening?.name ?? null);
  return (
    <div className="trace-controls">
      <button
        type="button"
        onClick={() => fileRef.current?.click()}
        title="Hold an ftrace function_graph capture of a real kernel against the model"
      >
        Open trace…
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".txt,.trace,.log,text/plain"
        hidden
        aria-label="Trace file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void openTraceFile(file);
        }}
      />
      <span role="status" className="aside">
        {opening && `Reading ${opening}…`}
      </span>
    </div>
  );
}
