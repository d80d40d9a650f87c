import styles from './SeatMap.module.css';

interface MapControlsProps {
  onZoomIn(): void;
  onZoomOut(): void;
  onFit(): void;
}

export function MapControls({ onZoomIn, onZoomOut, onFit }: MapControlsProps) {
  return (
    <div className={styles.controls} role="group" aria-label="Map zoom">
      <button type="button" className={styles.controlButton} onClick={onZoomIn} aria-label="Zoom in" title="Zoom in">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <path d="M10 4v12M4 10h12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </button>
      <button type="button" className={styles.controlButton} onClick={onZoomOut} aria-label="Zoom out" title="Zoom out">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <path d="M4 10h12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </button>
      <button type="button" className={styles.controlButton} onClick={onFit} aria-label="Fit to screen" title="Fit to screen">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" fill="none">
          <path
            d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      </button>
    </div>
  );
}
