/**
 * The glossary covers every kernel name the panes show (masks, config globals,
 * caches, their pointers, the percpu counter and shrinker, finding kinds), and each
 * name leads to one entry only.
 */
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../engine';
import {
  CACHE_POINTER,
  CONFIG,
  MASK_NAMES,
  PERCPU_COUNTER,
  SHRINKER,
} from '../engine/model/globals';
import { GLOSSARY, glossaryEntry, glossaryNames } from './glossary';
import { DEFINITIONS } from './glossaryDefinitions';

describe('glossary', () => {
  it('has an entry for every name the panes show', () => {
    const shown = [
      ...MASK_NAMES,
      ...Object.keys(CONFIG),
      ...Object.keys(CACHE_POINTER),
      ...Object.values(CACHE_POINTER),
      PERCPU_COUNTER,
      SHRINKER,
      ...FINDING_KINDS,
      'gfn',
      'spte',
      'rmap',
      'pte_list_desc',
      'TDP',
      'EPT',
      'NPT',
      'MMIO SPTE',
      'shadow paging',
      'kmem cache',
      'slab',
      'percpu counter',
      'shrinker',
      'hardware_setup()',
      'kvm_configure_mmu()',
    ];
    expect(shown.filter((n) => !glossaryEntry(n))).toEqual([]);
  });

  it('gives every id and name to one entry only', () => {
    const names = GLOSSARY.flatMap(glossaryNames);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('finds a function with or without its parentheses, in any case', () => {
    expect(glossaryEntry('kvm_configure_mmu()')?.id).toBe('kvm_configure_mmu');
    expect(glossaryEntry('Kvm_Configure_Mmu')?.id).toBe('kvm_configure_mmu');
    expect(glossaryEntry('no_such_thing')).toBeUndefined();
  });

  it('defines every entry, and nothing else', () => {
    const ids = GLOSSARY.map((e) => e.id);
    expect(ids.filter((id) => !DEFINITIONS[id])).toEqual([]);
    expect(Object.keys(DEFINITIONS).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('keeps definitions short enough for a tooltip', () => {
    const long = GLOSSARY.filter((e) => DEFINITIONS[e.id]!.length > 420).map((e) => e.id);
    expect(long).toEqual([]);
  });
});
