import { toggleDialog, toggleTheme } from '../state/actions';
import { useAppStore } from '../state/store';
import { CompareControls } from './compare/CompareControls';
import { ScenarioControls } from './ScenarioControls';
import { ShareMenu } from './ShareMenu';
import { TraceControls } from './trace/TraceControls';

export function Header() {
  const theme = useAppStore((s) => s.theme);
  return (
    <header className="app-header">
      <div className="header-top">
        <h1>KVM MMU visualizer</h1>
        <ScenarioControls />
        <div className="header-actions">
          <button
            type="button"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button
            type="button"
            onClick={() => toggleDialog('help')}
            aria-label="Help"
            title="Help: the welcome, lessons and keys (?)"
          >
            ?
          </button>
        </div>
      </div>
      <div className="header-tools">
        <CompareControls />
        <ShareMenu />
        <TraceControls />
      </div>
    </header>
  );
}
