import { Component, type ReactNode } from 'react';
import { shownMessage } from '../engine/view';
import { showDefaultScenario } from '../state/actions';

interface State {
  error: Error | null;
}

/**
 * A view that throws while drawing leaves a message and a way back, not a blank page:
 * whatever input made it throw, the default scenario draws.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  private readonly reset = () => {
    showDefaultScenario('The last view could not be drawn; this is the default scenario.');
    this.setState({ error: null });
  };

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="app crashed" role="alert">
        <h1>KVM MMU visualizer</h1>
        <p className="notice error">This view could not be drawn: {shownMessage(error.message)}</p>
        <button type="button" onClick={this.reset} autoFocus>
          Show the default scenario
        </button>
      </div>
    );
  }
}
