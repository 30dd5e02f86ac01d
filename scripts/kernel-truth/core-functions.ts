/**
 * Prints the core kernel functions a capture must trace besides the KVM modules, one per
 * line, under every name a kernel may use for them (scripts/kernel-truth.sh puts them in
 * set_ftrace_filter). They come from the engine's table, so a capture always traces what
 * the model's steps stand for.
 */
import { coreTraceNames } from '../../app/engine/ftrace/kernel';

process.stdout.write(coreTraceNames().join('\n') + '\n');
