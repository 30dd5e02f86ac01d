import { useEffect, useRef } from 'react';
import { toggleHelp } from '../state/actions';
import { COMMANDS } from '../state/commands';
import { useAppStore } from '../state/store';

export function HelpOverlay() {
  const open = useAppStore((s) => s.helpOpen);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="help-backdrop" onClick={() => toggleHelp(false)}>
      <div
        className="help-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {COMMANDS.map((c) => (
              <tr key={c.id}>
                <td>
                  <kbd>{c.keyLabel}</kbd>
                </td>
                <td>{c.id === 'play' ? 'Play / Pause' : c.label(useAppStore.getState())}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Esc</kbd>
              </td>
              <td>Close this overlay</td>
            </tr>
          </tbody>
        </table>
        <p>
          <button type="button" ref={closeRef} onClick={() => toggleHelp(false)}>
            Close
          </button>
        </p>
      </div>
    </div>
  );
}
