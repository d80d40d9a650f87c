// Moves the map's view smoothly to a target (a tapped section, focused seats,
// "fit"), one full draw per animation frame. With reduced motion it jumps.
import type { SeatMapRenderer } from './SeatMapRenderer';
import { easeInOutCubic, interpolateView, type ViewState } from './ViewTransform';

const DURATION_MS = 320;

export class ViewAnimator {
  private frame = 0;

  constructor(
    private readonly renderer: SeatMapRenderer,
    /** Called after every step and once more (with false) when the view has arrived or stopped. */
    private readonly onStep: (moving: boolean) => void,
  ) {}

  get running(): boolean {
    return this.frame !== 0;
  }

  animateTo(target: ViewState): void {
    this.cancel();
    const renderer = this.renderer;
    const { widthPx, heightPx } = renderer.size;
    const from = renderer.view.state;
    const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (reduced || widthPx === 0) {
      renderer.setView(target);
      renderer.drawAll();
      this.onStep(false);
      return;
    }
    const started = performance.now();
    const step = (now: number) => {
      const t = Math.min(1, (now - started) / DURATION_MS);
      renderer.setView(interpolateView(from, target, easeInOutCubic(t), widthPx, heightPx));
      renderer.drawAll();
      if (t < 1) {
        this.frame = requestAnimationFrame(step);
        this.onStep(true);
      } else {
        this.frame = 0;
        this.onStep(false);
      }
    };
    this.frame = requestAnimationFrame(step);
    this.onStep(true);
  }

  /** Stops where it is (the buyer took over). */
  cancel(): void {
    if (!this.frame) return;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.onStep(false);
  }
}
