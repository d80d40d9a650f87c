'use client';
// Price categories: name, price and map colour, with the seats each one has.
import { useState } from 'react';
import type { CategoryView } from '../../../lib/protocol';
import type { VenueSpec } from '../../../lib/venueLayout';
import { CATEGORY_COLORS, codeFrom } from '../../../lib/client/adminLayout';
import { centsToInput, fmtInt, formatPrice, parseMoney } from '../../../lib/client/adminFormat';
import a from '../admin.module.css';
import f from '../forms.module.css';
import b from './builder.module.css';

interface Props {
  spec: VenueSpec;
  /** Ids a section refers to: kept; other categories take their code from their name. */
  used: ReadonlySet<string>;
  counts: Map<string, number>;
  currency: string;
  onChange(categories: CategoryView[]): void;
}

export function CategoriesEditor({ spec, used, counts, currency, onChange }: Props) {
  const { categories } = spec;
  const update = (id: string, patch: Partial<CategoryView>) => onChange(categories.map((c) => (c.id === id ? { ...c, ...patch } : c)));
  const rename = (id: string, name: string) => {
    const others = categories.filter((c) => c.id !== id).map((c) => c.id);
    update(id, used.has(id) ? { name } : { name, id: codeFrom(name, others) });
  };
  const add = () => {
    const name = `Category ${categories.length + 1}`;
    const color = CATEGORY_COLORS.find((c) => !categories.some((x) => x.color === c)) ?? CATEGORY_COLORS[categories.length % CATEGORY_COLORS.length];
    onChange([...categories, { id: codeFrom(name, categories.map((c) => c.id)), name, priceCents: 2000, color }]);
  };
  const total = categories.reduce((sum, c) => sum + (counts.get(c.id) ?? 0) * c.priceCents, 0);

  return (
    <div>
      <table className={`${a.table} ${b.compactTable}`} data-testid="categories">
        <thead>
          <tr>
            <th style={{ width: 44 }}>Colour</th>
            <th>Name</th>
            <th style={{ width: 110 }}>Price (€)</th>
            <th className={a.num}>Seats</th>
            <th className={a.num}>Face value</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {categories.map((c, i) => (
            <tr key={i} data-category-id={c.id}>
              <td>
                <input type="color" className={b.swatch} value={c.color} onChange={(e) => update(c.id, { color: e.target.value })} aria-label={`Colour of ${c.name}`} />
              </td>
              <td>
                <div className={f.inline}>
                  <input className={f.input} value={c.name} maxLength={60} onChange={(e) => rename(c.id, e.target.value)} aria-label={`Name of category ${i + 1}`} aria-invalid={c.name.trim() === '' || undefined} />
                  <span className={`${a.mono} ${a.faint} ${b.code}`} title="Category code (used in the JSON layout)">
                    {c.id}
                  </span>
                </div>
              </td>
              <td>
                <PriceInput cents={c.priceCents} label={`Price of ${c.name}`} onChange={(cents) => update(c.id, { priceCents: cents })} />
              </td>
              <td className={a.num}>{fmtInt(counts.get(c.id) ?? 0)}</td>
              <td className={a.num}>{formatPrice((counts.get(c.id) ?? 0) * c.priceCents, currency)}</td>
              <td className={a.num}>
                <button
                  type="button"
                  className={`${a.btn} ${a.small} ${a.ghost}`}
                  onClick={() => onChange(categories.filter((x) => x.id !== c.id))}
                  disabled={categories.length === 1 || used.has(c.id)}
                  title={used.has(c.id) ? 'Used by a section' : categories.length === 1 ? 'A venue needs at least one category' : 'Remove'}
                  aria-label={`Remove ${c.name}`}
                >
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>
              <button type="button" className={`${a.btn} ${a.small}`} onClick={add} disabled={categories.length >= 20}>
                + Add category
              </button>
            </td>
            <td className={a.num}>
              <strong>{fmtInt([...counts.values()].reduce((x, y) => x + y, 0))}</strong>
            </td>
            <td className={a.num}>
              <strong>{formatPrice(total, currency)}</strong>
            </td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function PriceInput({ cents, label, onChange }: { cents: number; label: string; onChange(cents: number): void }) {
  const [text, setText] = useState(centsToInput(cents));
  const [focused, setFocused] = useState(false);
  const shown = focused ? text : centsToInput(cents);
  const invalid = parseMoney(shown) === null;
  return (
    <input
      className={f.input}
      inputMode="decimal"
      value={shown}
      aria-label={label}
      aria-invalid={invalid || undefined}
      onFocus={() => {
        setText(centsToInput(cents));
        setFocused(true);
      }}
      onBlur={() => setFocused(false)}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseMoney(e.target.value);
        if (parsed !== null && parsed <= 10_000_000) onChange(parsed);
      }}
    />
  );
}
