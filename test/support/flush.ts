/** Lets already-settled promises run their continuations (an injected actor resolved by the test). No time passes. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
