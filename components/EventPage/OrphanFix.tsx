'use client';
// After an orphan_seat refusal: names the seat(s) the choice would have left
// alone (the map marks them too) and offers to add them to the selection.
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { seatList } from './seatGroupText';
import type { Notify } from './useSeatSelection';
import styles from './BestSeatsPanel.module.css';

interface OrphanFixProps {
  index: SeatIndex;
  store: SeatStatusStore;
  stranded: readonly string[];
  onToggleSeat(seatId: string): string;
  notify: Notify;
}

/** The stranded seats still free to add (someone may have taken one meanwhile). */
export function freeStranded(store: SeatStatusStore, stranded: readonly string[]): string[] {
  return stranded.filter((id) => store.statusById(id) === 'available');
}

/** Adds the free stranded seats to the selection and says so (here and in the phone's bar). */
export function addStranded(index: SeatIndex, free: readonly string[], onToggleSeat: (seatId: string) => string, notify: Notify): void {
  for (const id of free) onToggleSeat(id);
  notify('info', `Added ${seatList(index, free)} to your selection. Hold your seats when you’re ready.`);
}

export function OrphanFix({ index, store, stranded, onToggleSeat, notify }: OrphanFixProps) {
  const free = freeStranded(store, stranded);
  if (free.length === 0) return null;
  const which = seatList(index, free);
  const add = () => {
    addStranded(index, free, onToggleSeat, notify);
    // This panel goes away with the change; keep keyboard focus on the next step.
    document.querySelector<HTMLButtonElement>('section[aria-labelledby="selection-title"] .button--primary')?.focus();
  };
  return (
    <section className={`card ${styles.panel} ${styles.orphan}`} aria-labelledby="orphan-fix-title" data-testid="orphan-fix">
      <h2 id="orphan-fix-title" className={styles.orphanTitle}>
        {free.length === 1 ? 'Don’t leave a seat on its own' : 'Don’t leave seats on their own'}
      </h2>
      <p className={styles.help}>
        {which} would be left empty on {free.length === 1 ? 'its' : 'their'} own in the row. It’s marked on the map.
      </p>
      <button type="button" className="button button--secondary button--block" onClick={add}>
        Add {free.length === 1 ? 'it' : 'them'} to my selection
      </button>
    </section>
  );
}
