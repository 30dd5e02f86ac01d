import { VARIANTS, VARIANT_IDS } from '../engine';

/** Placeholder shell: the visualizer (issue 4) replaces it. */
export function App() {
  return (
    <main>
      <h1>KVM MMU visualizer</h1>
      <ul>
        {VARIANT_IDS.map((id) => (
          <li key={id}>{VARIANTS[id].title}</li>
        ))}
      </ul>
    </main>
  );
}
