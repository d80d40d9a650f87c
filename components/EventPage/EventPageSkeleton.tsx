import { EarlyMapHost } from '../SeatMap/EarlyMapHost';
import { EventHeaderPlaceholder } from './EventHeader';
import styles from './EventPage.module.css';

/**
 * The page before its event has loaded (and as the server renders it). The header and
 * the map's frame have the size and place of the real ones, so the map the early script
 * draws here does not jump when the page replaces it.
 */
export function EventPageSkeleton() {
  return (
    <div className="page" aria-busy="true" aria-label="Loading event">
      <EventHeaderPlaceholder />
      <div className={styles.layout}>
        <section className={styles.mapArea} aria-label="Seat map">
          <EarlyMapHost />
        </section>
        <div className={`skeleton ${styles.sidebar}`} style={{ height: 240 }} />
      </div>
    </div>
  );
}
