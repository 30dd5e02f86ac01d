/**
 * Every test file starts with every variant runnable, as the worker and the CLI make the
 * one a scenario names before running it (variants/index.ts, loadVariant).
 */
import { loadAllVariants } from './engine/variants';

await loadAllVariants();
