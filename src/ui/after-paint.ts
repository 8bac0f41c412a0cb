/**
 * Resolves once the page has painted twice more (what a cell computed on the next frame is then
 * on screen), or after `maxMs` whatever happens (a hidden tab paints no frame).
 */
export function afterPaint(maxMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}
