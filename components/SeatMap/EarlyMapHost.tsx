import { EARLY_MAP_HOST_ID } from '../../lib/client/preload';
import styles from './SeatMap.module.css';

// React never looks inside an element whose content is dangerouslySetInnerHTML, so the
// canvases the early script adds before hydration are no hydration mismatch.
const NO_CONTENT = { __html: '' };

/**
 * The map's frame, empty, as the server renders it while the page loads: the early
 * script (earlyMap.ts) draws the first frame into it before React has started, at the
 * size and place the interactive SeatMap will take over.
 */
export function EarlyMapHost() {
  return (
    <div className={styles.frame}>
      <div className={styles.viewport}>
        <div id={EARLY_MAP_HOST_ID} className={`${styles.layer} ${styles.passive}`} dangerouslySetInnerHTML={NO_CONTENT} suppressHydrationWarning />
      </div>
    </div>
  );
}
