import { toggleHelp, toggleTheme } from '../state/actions';
import { useAppStore } from '../state/store';
import { ScenarioControls } from './ScenarioControls';

export function Header() {
  const theme = useAppStore((s) => s.theme);
  return (
    <header className="app-header">
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
        <button type="button" onClick={() => toggleHelp()} aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
    </header>
  );
}
