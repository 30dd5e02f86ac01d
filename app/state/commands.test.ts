/**
 * The keyboard rules: shortcuts work wherever the focus is, except in text fields,
 * on a button's Space, on a control reached with the keyboard (its own keys), and
 * for moves inside a dialog. Elements are plain objects with what the rules read.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../engine/view';
import { handleKey, keyTargetOf, type KeyElement } from './commands';
import { DEFAULT_INPUT, emptyRun, initialAppState, useAppStore } from './store';

function el(tagName: string, attrs: Record<string, string> = {}, inDialog = false): KeyElement {
  return {
    tagName,
    isContentEditable: attrs.contenteditable === 'true',
    getAttribute: (name) => attrs[name] ?? null,
    closest: (selector) => (selector === 'dialog[open]' && inDialog ? {} : null),
  };
}

function press(key: string, target: KeyElement, byPointer = false, mod = false) {
  const e = {
    key,
    target,
    ctrlKey: mod,
    metaKey: false,
    altKey: false,
    defaultPrevented: false,
  } as unknown as KeyboardEvent;
  return handleKey(e, { byPointer });
}

const step = () => useAppStore.getState().step;
const playing = () => useAppStore.getState().playing;

beforeEach(() => {
  const trace = { length: 10, events: [] } as unknown as Trace;
  useAppStore.setState(
    { ...initialAppState(DEFAULT_INPUT), run: { ...emptyRun(1), status: 'done', trace } },
    true,
  );
});

describe('keyTargetOf', () => {
  it('tells text fields, buttons, controls and the rest apart', () => {
    expect(keyTargetOf(el('INPUT')).kind).toBe('text');
    expect(keyTargetOf(el('INPUT', { type: 'number' })).kind).toBe('text');
    expect(keyTargetOf(el('INPUT', { type: 'search' })).kind).toBe('text');
    expect(keyTargetOf(el('TEXTAREA')).kind).toBe('text');
    expect(keyTargetOf(el('DIV', { contenteditable: 'true' })).kind).toBe('text');
    expect(keyTargetOf(el('BUTTON')).kind).toBe('button');
    expect(keyTargetOf(el('SUMMARY')).kind).toBe('button');
    expect(keyTargetOf(el('DIV', { role: 'tab' })).kind).toBe('button');
    expect(keyTargetOf(el('INPUT', { type: 'checkbox' })).kind).toBe('control');
    expect(keyTargetOf(el('SELECT')).kind).toBe('control');
    expect(keyTargetOf(el('INPUT', { type: 'range' })).kind).toBe('other');
    expect(keyTargetOf(el('A', { href: '#' })).kind).toBe('other');
    expect(keyTargetOf(null).kind).toBe('other');
  });
});

describe('handleKey', () => {
  it('steps and plays from the page', () => {
    expect(press('ArrowRight', el('BODY'))).toBe(true);
    expect(press('ArrowRight', el('BODY'))).toBe(true);
    expect(step()).toBe(2);
    expect(press('Home', el('BODY'))).toBe(true);
    expect(step()).toBe(0);
    expect(press(' ', el('BODY'))).toBe(true);
    expect(playing()).toBe(true);
  });

  it('leaves text fields to typing', () => {
    expect(press('ArrowRight', el('INPUT', { type: 'text' }))).toBe(false);
    expect(press(' ', el('TEXTAREA'))).toBe(false);
    expect(press('?', el('INPUT', { type: 'search' }))).toBe(false);
    expect([step(), playing(), useAppStore.getState().dialog]).toEqual([0, false, null]);
  });

  it('lets Space press a focused button, and arrows still step from it', () => {
    expect(press(' ', el('BUTTON'))).toBe(false);
    expect(playing()).toBe(false);
    expect(press('ArrowRight', el('BUTTON'))).toBe(true);
    expect(step()).toBe(1);
  });

  it('gives a clicked checkbox or select’s keys back to the shortcuts', () => {
    const tdp = el('INPUT', { type: 'checkbox' });
    expect(press('ArrowRight', tdp, true)).toBe(true);
    expect(press(' ', tdp, true)).toBe(true);
    expect([step(), playing()]).toEqual([1, true]);
    expect(press('ArrowRight', el('SELECT'), true)).toBe(true);
  });

  it('leaves a checkbox or select reached with the keyboard its own keys', () => {
    const tdp = el('INPUT', { type: 'checkbox' });
    expect(press(' ', tdp)).toBe(false);
    expect(press('ArrowRight', tdp)).toBe(true); // a checkbox has no use for arrows
    expect(press('ArrowRight', el('SELECT'))).toBe(false);
    expect(press('Home', el('SELECT'))).toBe(false);
    expect([step(), playing()]).toEqual([1, false]);
  });

  it('inside a dialog, does not move through the trace, but ? and Escape still work', () => {
    const inDialog = el('BUTTON', {}, true);
    expect(press('ArrowRight', inDialog)).toBe(false);
    expect(step()).toBe(0);
    expect(press('?', inDialog)).toBe(true);
    expect(useAppStore.getState().dialog).toBe('help');
    press('Escape', inDialog);
    expect(useAppStore.getState().dialog).toBeNull();
    expect(press('?', el('BODY'))).toBe(true);
    press('Escape', el('INPUT', { type: 'search' }));
    expect(useAppStore.getState().dialog).toBeNull();
  });

  it('needs Ctrl for the edit commands, and ignores keys it has no command for', () => {
    expect(press('z', el('BODY'))).toBe(false);
    expect(press('z', el('BODY'), false, true)).toBe(true);
    expect(press('q', el('BODY'))).toBe(false);
  });
});
