/**
 * The trace view's store path with the worker's API in this thread: a capture rendered from
 * the engine's own run is opened, checked against the scenario, checked again when the
 * scenario changes; bad captures are explained and leave what is shown alone.
 */
import { describe, expect, it, vi } from 'vitest';
import { renderFunctionGraph, type RenderOptions } from '../engine/ftrace/testing';
import { NOT_TRACEABLE } from '../engine/ftrace/kernel';
import { mustRun } from '../engine/testing';
import type { ScenarioInput } from '../engine/view';
import { createEngineApi } from '../worker/api';
import { createAppStore, type AppState } from './store';
import { deferredQueries } from './testing';
import { closingTrace, createTraceRunner, openingTrace } from './traceCheck';

const AMD: ScenarioInput = { v: 1, kernel: 'v6.6', vendor: 'amd', params: { hostCpus: 1 } };
const model = mustRun('v6.6', 'amd', { params: { hostCpus: 1 } });
/** As Debian's 6.12 build traces the load: inlined and notrace functions gone, 6.12's names. */
const DEBIAN: RenderOptions = {
  inline: NOT_TRACEABLE.map((n) => n.name),
  rename: { kmem_cache_create: '__kmem_cache_create_args' },
};
const file = (text: string, name = 'kvm-amd.txt') => ({ name, text });

function inThread(input: ScenarioInput = AMD) {
  const store = createAppStore(input);
  const api = createEngineApi();
  const stop = createTraceRunner(store, {
    checkTrace: (name, text, scenario) => api.checkTrace(name, text, scenario),
  });
  const checked = (id: number) =>
    vi.waitFor(() => expect(store.getState().traceCheck).toMatchObject({ id, status: 'done' }));
  const settled = () =>
    vi.waitFor(() => expect(store.getState().traceCheck.status).not.toBe('checking'));
  return { store, stop, checked, settled };
}

/** A trace runner whose worker answers only when the test says so. */
function answeredWhenTold() {
  const store = createAppStore(AMD);
  const api = createEngineApi();
  const q = deferredQueries((name: string, text: string, scenario: unknown) =>
    api.checkTrace(name, text, scenario),
  );
  return { store, q, stop: createTraceRunner(store, { checkTrace: q.fetch }) };
}

const kinds = (s: AppState) => s.traceCheck.view!.rows.map((r) => r.kind);

describe('opening a capture', () => {
  it('shows it aligned with the model: agreements, functions a trace cannot show, sources', async () => {
    const { store, stop, checked } = inThread();
    store.setState(openingTrace(file(renderFunctionGraph(model, DEBIAN))));
    await checked(1);
    const t = store.getState().traceCheck;
    expect(t.capture?.name).toBe('kvm-amd.txt');
    expect(t.opening).toBeNull();
    expect(t.view).toMatchObject({ agrees: true, capture: { vendor: 'amd', format: 'tracefs' } });
    expect(new Set(kinds(store.getState()))).toEqual(new Set(['agree', 'not-visible']));
    const hidden = t.view!.rows.filter((r) => r.kind === 'not-visible').map((r) => r.name);
    expect(hidden).toContain('__kvm_x86_vendor_init');
    const created = t.view!.rows.find((r) => r.name === 'kmem_cache_create' && r.trace)!;
    expect(created.trace!.name).toBe('__kmem_cache_create_args');
    expect(created.source!.url).toMatch(
      /^https:\/\/elixir\.bootlin\.com\/linux\/v6\.6\.87\/source\/arch\/x86\/kvm\/x86\.c#L\d+$/,
    );
    stop();
  });

  it('reads a trace-cmd capture with calls on two CPUs interleaved', async () => {
    const { store, stop, checked } = inThread();
    const text = renderFunctionGraph(model, { format: 'trace-cmd', cpuOf: (i) => i % 2 });
    store.setState(openingTrace(file(text)));
    await checked(1);
    const view = store.getState().traceCheck.view!;
    expect(view.capture).toMatchObject({ format: 'trace-cmd', cpus: [0, 1] });
    expect(view.agrees).toBe(true);
    stop();
  });

  it('opens a capture cut off mid-line, saying so, and shows what the cut lost', async () => {
    const { store, stop, checked } = inThread();
    const whole = renderFunctionGraph(model, DEBIAN);
    const cut = whole.slice(0, whole.indexOf('sev_hardware_setup') + 5);
    store.setState(openingTrace(file(cut)));
    await checked(1);
    const view = store.getState().traceCheck.view!;
    expect(view.notes.join('\n')).toMatch(/the capture ends in the middle of a line/);
    expect(view.notes.join('\n')).toMatch(/no end in the capture/);
    expect(view.agrees).toBe(false);
    expect(kinds(store.getState())).toContain('model-only');
    stop();
  });

  it('explains a file that is not a capture, and keeps the open one', async () => {
    const { store, stop, checked, settled } = inThread();
    store.setState(openingTrace(file(renderFunctionGraph(model))));
    await checked(1);
    const shown = store.getState().traceCheck.view;
    store.setState(openingTrace(file('garbage\n<html>\n', 'page.html')));
    await settled();
    const s = store.getState();
    expect(s.notice).toMatch(
      /^page\.html was not opened: not ftrace function_graph output: expected lines like .*; line 1 reads "garbage"\. The current view is unchanged\.$/,
    );
    expect(s.traceCheck).toMatchObject({ id: 1, status: 'done', opening: null });
    expect(s.traceCheck.capture?.name).toBe('kvm-amd.txt');
    expect(s.traceCheck.view).toBe(shown);
    stop();
  });

  it('does not open a capture over the size bound, or of another tracer', async () => {
    const { store, stop, settled } = inThread();
    store.setState(openingTrace(file('# tracer: nop\n#\n', 'nop.txt')));
    await settled();
    expect(store.getState().notice).toMatch(
      /^nop\.txt was not opened: the capture was made with the nop tracer; record with function_graph/,
    );
    store.setState(openingTrace(file(' '.repeat(33 * 1024 * 1024), 'huge.txt')));
    await settled();
    expect(store.getState().notice).toMatch(
      /^huge\.txt was not opened: it is 34,603,008 bytes; a capture is at most 32 MB/,
    );
    expect(store.getState().traceCheck.capture).toBeNull();
    stop();
  });
});

describe('an open capture follows the scenario', () => {
  it('is checked again when the scenario changes, and says whose trace it is', async () => {
    const { store, stop, checked } = inThread();
    store.setState(openingTrace(file(renderFunctionGraph(model))));
    await checked(1);
    store.setState({ input: { ...AMD, vendor: 'intel' } });
    await checked(2);
    const view = store.getState().traceCheck.view!;
    expect(view.model.vendor).toBe('intel');
    expect(view.capture.vendor).toBe('amd');
    expect(view.agrees).toBe(false);
    stop();
  });

  it('keeps the last check when the scenario cannot run, with why', async () => {
    const { store, stop, checked, settled } = inThread();
    store.setState(openingTrace(file(renderFunctionGraph(model))));
    await checked(1);
    store.setState({ input: { ...AMD, kernel: 'v9.9' as ScenarioInput['kernel'] } });
    await settled();
    const t = store.getState().traceCheck;
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(
      /^The trace could not be checked again: the model cannot run this scenario: invalid scenario: kernel: .*Showing the last check\.$/,
    );
    expect(t.view?.model.kernel).toBe('v6.6');
    stop();
  });

  it('closing drops the capture and any answer still on its way', async () => {
    const { store, q, stop } = answeredWhenTold();
    store.setState(openingTrace(file(renderFunctionGraph(model))));
    store.setState(closingTrace);
    await q.asked[0]!.answer();
    expect(store.getState().traceCheck).toMatchObject({ capture: null, view: null, id: 0 });
    stop();
  });
});

describe('the newest request wins', () => {
  it('an older answer that arrives later is dropped', async () => {
    const { store, q, stop } = answeredWhenTold();
    store.setState(openingTrace(file(renderFunctionGraph(model), 'first.txt')));
    // The scenario changes while the capture is being read: it is read again, for the new one.
    store.setState({ input: { ...AMD, params: { hostCpus: 1, tdp: false } } });
    expect(q.asked.map((a) => a.args[0])).toEqual(['first.txt', 'first.txt']);
    await q.asked[1]!.answer();
    await q.asked[0]!.answer();
    const t = store.getState().traceCheck;
    expect(t.id).toBe(1);
    expect(t.view!.model.scenario.params.tdp).toBe(false);
    stop();
  });

  it('an engine that stops is reported, and the capture is not opened', async () => {
    const store = createAppStore(AMD);
    const stop = createTraceRunner(store, {
      checkTrace: () => Promise.reject(new Error('out of memory')),
    });
    store.setState(openingTrace(file(renderFunctionGraph(model))));
    await vi.waitFor(() =>
      expect(store.getState().notice).toBe(
        'kvm-amd.txt was not opened: the engine stopped (out of memory); it has been restarted. The current view is unchanged.',
      ),
    );
    expect(store.getState().traceCheck.capture).toBeNull();
    stop();
  });
});
