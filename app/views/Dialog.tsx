import { useEffect, useRef, type ReactNode } from 'react';
import { closeDialog } from '../state/actions';
import { useAppStore, type Dialog } from '../state/store';
import './dialogs.css';

/**
 * One of the app's dialogs, as a native modal <dialog>: the browser keeps focus
 * inside it, makes the page behind it inert, and closes it on Escape. The store
 * says which one is open; closing it any way tells the store.
 */
export function ModalDialog({
  name,
  titleId,
  className,
  children,
}: {
  name: Dialog;
  titleId: string;
  className?: string;
  children: ReactNode;
}) {
  const open = useAppStore((s) => s.dialog === name);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // The element meant to be first (React does not write `autofocus` into the page).
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={titleId}
      onClose={() => {
        if (useAppStore.getState().dialog === name) closeDialog();
      }}
      // A click on the backdrop lands on the dialog element itself.
      onClick={(e) => {
        if (e.target === e.currentTarget) closeDialog();
      }}
    >
      {open && (
        <div className="modal-body">
          <button type="button" className="modal-close" aria-label="Close" onClick={closeDialog}>
            ×
          </button>
          {children}
        </div>
      )}
    </dialog>
  );
}
