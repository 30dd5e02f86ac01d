/**
 * Scenario files and ftrace captures are a chunk of their own (App preloads it while
 * idle): the first screen reads and writes neither.
 */
import { notOpened, showNotice } from '../state/actions';

export const loadFiles = () => import('./files');

type Files = Awaited<ReturnType<typeof loadFiles>>;

/** Opens `file` with one of the chunk's readers; a chunk that does not load says so. */
export function openWith(file: File, open: (files: Files) => Promise<unknown>): void {
  loadFiles().then(open, () =>
    showNotice(
      notOpened(
        file.name,
        'the app could not load its file reader (the connection dropped or it was updated)',
      ),
    ),
  );
}
