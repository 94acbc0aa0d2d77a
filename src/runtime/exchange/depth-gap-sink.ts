/**
 * Carries the router's depth-gap callback to whichever socket actor is current.
 *
 * Why a mutable sink: the {@link FrameRouter} is built once, with its `onDepthGap` callback, and
 * outlives every socket, while each reconnect starts a new socket actor with a new `sendBack`. The
 * socket actor attaches its `sendBack` on start and detaches on cleanup; a gap seen while no socket
 * is attached is dropped, because the next connection resubscribes every book from a snapshot anyway.
 */

export type DepthGapListener = (market: string) => void;

export class DepthGapSink {
  private listener: DepthGapListener | null = null;

  /** Pass this to `new FrameRouter(...)`. Bound, so it can be handed on as a bare function. */
  readonly notify = (market: string): void => {
    this.listener?.(market);
  };

  /** Makes `listener` the current receiver; returns the detach function (a no-op once replaced). */
  attach(listener: DepthGapListener): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }
}
