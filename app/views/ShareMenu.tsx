import { useRef, useState } from 'react';
import { encodeLink } from '../share/codec';
import { download, openScenarioFile, scenarioFileName, scenarioFileText } from '../share/files';
import { linkStateOf } from '../share/hashSync';
import { viewSnapshot } from '../state/snapshot';
import { useAppStore } from '../state/store';
import { renderViewSvg, svgToPng } from '../viz/exportView';

const absoluteLink = () =>
  `${location.origin}${location.pathname}${encodeLink(linkStateOf(useAppStore.getState()))}`;
const baseName = () =>
  scenarioFileName(useAppStore.getState().input).replace(
    /\.json$/,
    `-step${useAppStore.getState().step}`,
  );

/** Copy link, download/open a scenario file, export the view. */
export function ShareMenu() {
  const [status, setStatus] = useState<string | null>(null);
  const [fallbackLink, setFallbackLink] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const say = (message: string) => {
    setStatus(message);
    window.setTimeout(() => setStatus((m) => (m === message ? null : m)), 3000);
  };
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
          download(
            scenarioFileName(useAppStore.getState().input),
            new Blob([scenarioFileText(useAppStore.getState().input)], {
              type: 'application/json',
            }),
          )
        }
      >
        Download scenario
      </button>
      <button type="button" onClick={() => fileRef.current?.click()}>
        Open scenario
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Scenario file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void openScenarioFile(file);
        }}
      />
      <button
        type="button"
        onClick={() =>
          download(
            `${baseName()}.svg`,
            new Blob([renderViewSvg(viewSnapshot(useAppStore.getState()))], {
              type: 'image/svg+xml',
            }),
          )
        }
      >
        Export SVG
      </button>
      <button
        type="button"
        onClick={() =>
          void svgToPng(renderViewSvg(viewSnapshot(useAppStore.getState())))
            .then((png) => download(`${baseName()}.png`, png))
            .catch((e: Error) => say(`PNG export failed: ${e.message}`))
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
