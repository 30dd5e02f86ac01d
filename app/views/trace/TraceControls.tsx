import { openWith } from '../../share/loadFiles';
import { useAppStore } from '../../state/store';
import { FileButton } from '../FileButton';

/** "Open trace…": a function_graph capture from a real kernel, held against the model. */
export function TraceControls() {
  const opening = useAppStore((s) => s.traceCheck.opening?.name ?? null);
  return (
    <div className="trace-controls">
      <FileButton
        label="Open trace…"
        inputLabel="Trace file"
        accept=".txt,.trace,.log,text/plain"
        title="Hold an ftrace function_graph capture of a real kernel against the model"
        onFile={(file) => openWith(file, (files) => files.openTraceFile(file))}
      />
      <span role="status" className="aside">
        {opening && `Reading ${opening}…`}
      </span>
    </div>
  );
}
