import type { VariantId } from '../engine/view';
import { useAppStore } from '../state/store';

const KIND_LABEL = {
  shipped: 'What shipped',
  proposed: 'Proposed (never merged)',
  teaching: 'Deliberately wrong (teaching)',
};
const KINDS = ['shipped', 'proposed', 'teaching'] as const;

/**
 * A select of the kernel variants grouped by kind. It renders the options itself:
 * React re-applies a select's value only when the select re-renders, so the options
 * arriving with the catalog must re-render it.
 */
export function VariantSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: VariantId;
  onChange: (id: VariantId) => void;
}) {
  const catalog = useAppStore((s) => s.catalog);
  return (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as VariantId)}
    >
      {catalog.length === 0 && <option value={value}>{value}</option>}
      {KINDS.map((k) => (
        <optgroup key={k} label={KIND_LABEL[k]}>
          {catalog
            .filter((c) => c.kind === k)
            .map((c) => (
              <option key={c.id} value={c.id} title={c.summary}>
                {c.title}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}
