import { useState } from 'react';
import { encodeLink } from '../share/codec';
import { linkStateOf } from '../share/hashSync';
import { loadFiles, openWith } from '../share/loadFiles';
import { useAppStore, type AppState } from '../state/store';
import { appUrl } from './appUrl';
import { FileButton } from './FileButton';
import { useTransientStatus } from './useTransientStatus';

/**
 * The exporters are a chunk of their own (App preloads it while idle); one that does
 * not load says so, and the next press tries again.
 */
export const loadExporters = () =>
  import('./exportCurrent').catch(() => {
    throw new Error(
      'could not load the exporter (the connection dropped or the app was updated); try again',
    );
  });
const failure = (e: unknown) => (e instanceof Error ? e.message : String(e));

const absoluteLink = () => appUrl(encodeLink(linkStateOf(useAppStore.getState())));
/** Export file names say what was exported: "kvm-mmu-seed-p2-intel-step12", "…-vs-alt-configure-mmu-row40". */
function baseName(scenarioFileName: (s: AppState['input']) => string): string {
  const s = useAppStore.getState();
  const name = scenarioFileName(s.input).replace(/\.json$/, '');
  return s.view === 'compare' && s.compareInput
    ? `${name}-vs-${s.compareInput.kernel}-row${s.compareRow}`.replace(/[^A-Za-z0-9._-]/g, '_')
    : `${name}-step${s.step}`;
}

/** Copy link, download/open a scenario file, export the view. */
export function ShareMenu() {
  const [status, say] = useTransientStatus();
  const [fallbackLink, setFallbackLink] = useState<string | null>(null);
  const copy = async () => {
    const link = absoluteLink();
    try {
      await navigator.clipboard.writeText(link);
      setFallbackLink(null);
      say('Link copied');
    } catch {
      setFallbackLink(link);
      say('Copy the link below');
    }
  };
  return (
    <div className="share">
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      <button
        type="button"
        onClick={() =>
          void loadFiles()
            .then(({ download, scenarioFileName, scenarioFileText }) => {
              const { input } = useAppStore.getState();
              download(
                scenarioFileName(input),
                new Blob([scenarioFileText(input)], { type: 'application/json' }),
              );
            })
            .catch((e: unknown) => say(`Download failed: ${failure(e)}`))
        }
      >
        Download scenario
      </button>
      <FileButton
        label="Open scenario"
        inputLabel="Scenario file"
        accept=".json,application/json"
        onFile={(file) => openWith(file, (files) => files.openScenarioFile(file))}
      />
      <button
        type="button"
        onClick={() =>
          void Promise.all([loadExporters(), loadFiles()])
            .then(([{ currentSvg }, { download, scenarioFileName }]) =>
              download(
                `${baseName(scenarioFileName)}.svg`,
                new Blob([currentSvg()], { type: 'image/svg+xml' }),
              ),
            )
            .catch((e: unknown) => say(`SVG export failed: ${failure(e)}`))
        }
      >
        Export SVG
      </button>
      <button
        type="button"
        onClick={() =>
          void Promise.all([loadExporters(), loadFiles()])
            .then(async ([{ currentSvg, svgToPng }, { download, scenarioFileName }]) =>
              download(`${baseName(scenarioFileName)}.png`, await svgToPng(currentSvg())),
            )
            .catch((e: unknown) => say(`PNG export failed: ${failure(e)}`))
        }
      >
        Export PNG
      </button>
      <span role="status" className="share-status">
        {status}
      </span>
      {fallbackLink && (
        <input
          className="share-link"
          readOnly
          value={fallbackLink}
          aria-label="Link to this view"
          onFocus={(e) => e.target.select()}
        />
      )}
    </div>
  );
}
