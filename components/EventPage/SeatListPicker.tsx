'use client';
// Accessible alternative to the canvas: choose a section and row, then toggle
// seats as checkboxes. Shares the selection with the map and updates live.
import { useId, useState, useSyncExternalStore } from 'react';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { seatAccessibleName, seatStatusText } from '../../lib/client/seatLabels';
import styles from './SeatListPicker.module.css';

interface SeatListPickerProps {
  index: SeatIndex;
  store: SeatStatusStore;
  selectedIds: ReadonlySet<string>;
  mineIds: ReadonlySet<string>;
  onToggleSeat(seatId: string): string;
}

export function SeatListPicker({ index, store, selectedIds, mineIds, onToggleSeat }: SeatListPickerProps) {
  useSyncExternalStore(store.subscribeRevision, store.getRevision, store.getRevision);
  const id = useId();
  const [sectionId, setSectionId] = useState(index.sections[0]?.id ?? '');
  const section = index.sections.find((s) => s.id === sectionId) ?? index.sections[0];
  const [rowName, setRowName] = useState(section?.rows[0]?.name ?? '');
  const row = section?.rows.find((r) => r.name === rowName) ?? section?.rows[0];
  const [announcement, setAnnouncement] = useState('');

  if (!section || !row) return null;
  const synced = store.version >= 0;
  const freeInRow = row.seatIndices.filter((i) => store.codes[i] === 0 && !mineIds.has(index.seats[i].id)).length;

  return (
    <section className={`card ${styles.picker}`} aria-labelledby={`${id}-title`}>
      <div className={styles.pickerHead}>
        <h2 id={`${id}-title`}>Choose from a list</h2>
        <p className={styles.help}>An alternative to the map that works well with a keyboard or screen reader.</p>
      </div>
      <div className={styles.pickerControls}>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-section`}>
            Section
          </label>
          <select
            id={`${id}-section`}
            className="select"
            value={section.id}
            onChange={(e) => {
              const next = index.sections.find((s) => s.id === e.target.value);
              setSectionId(e.target.value);
              setRowName(next?.rows[0]?.name ?? '');
            }}
          >
            {index.sections.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-row`}>
            Row
          </label>
          <select id={`${id}-row`} className="select" value={row.name} onChange={(e) => setRowName(e.target.value)}>
            {section.rows.map((r) => (
              <option key={r.name} value={r.name}>
                Row {r.name}
              </option>
            ))}
          </select>
        </div>
      </div>

      <fieldset className={styles.seatFieldset}>
        <legend className={styles.seatLegend}>
          {section.name}, row {row.name} <span className={styles.help}>· {freeInRow} of {row.seatIndices.length} available</span>
        </legend>
        <ul className={styles.seatGrid}>
          {row.seatIndices.map((i) => {
            const seat = index.seats[i];
            const status = store.status(i);
            const mine = mineIds.has(seat.id);
            const selected = selectedIds.has(seat.id);
            const selectable = synced && !mine && status === 'available';
            const text = seatStatusText(status, mine);
            return (
              <li key={seat.id}>
                <label className={styles.seatChip} data-visual={selected && selectable ? 'selected' : text}>
                  <input
                    type="checkbox"
                    className={styles.seatCheckbox}
                    checked={selected || mine}
                    disabled={!selectable}
                    aria-label={seatAccessibleName(index, i, text)}
                    data-seat-id={seat.id}
                    data-status={status}
                    data-selected={selected || undefined}
                    data-held-by-me={mine || undefined}
                    onChange={() => setAnnouncement(onToggleSeat(seat.id))}
                  />
                  <span className={styles.seatNumber} aria-hidden="true">
                    {seat.number}
                  </span>
                  <span className={styles.seatPrice} aria-hidden="true">
                    {index.price(i)}
                  </span>
                  {seat.accessible === 'wheelchair' && (
                    <span className={styles.seatAccessible} aria-hidden="true" title="Wheelchair space">
                      ♿
                    </span>
                  )}
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
      <div className="sr-only" aria-live="polite">
        {announcement}
      </div>
    </section>
  );
}
