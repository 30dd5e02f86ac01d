/**
 * The one asynchronous step before a run: the worker and the CLI call it with a scenario
 * before running it, so the engine's runs stay synchronous (variants/index.ts, loadVariant).
 */
import { validateScenario } from './scenario';
import type { VariantId } from './ids';
import { loadVariant } from './variants';

/**
 * Makes the variant `input` names runnable, with `load` (the worker's says which chunk
 * failed); input that is not a valid scenario loads nothing (running it says why).
 */
export async function loadScenarioVariant(
  input: unknown,
  load: (kernel: VariantId) => Promise<unknown> = loadVariant,
): Promise<void> {
  const valid = validateScenario(input);
  if (valid.ok) await load(valid.value.kernel);
}
