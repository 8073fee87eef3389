/** Rejection of a wait that was called off (a stop replaced the start that was waiting). */
export class CalledOff extends Error {
  constructor() {
    super('called off');
    this.name = 'CalledOff';
  }
}

/** `promise`, or a CalledOff rejection as soon as `signal` aborts. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CalledOff());
  return new Promise<T>((resolve, reject) => {
    const off = () => reject(new CalledOff());
    signal.addEventListener('abort', off, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', off);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', off);
        reject(e);
      },
    );
  });
}

/** Resolves with `value` after `ms`, or never when `ms` is Infinity; `clear()` cancels it. */
export function delay<T>(ms: number, value: T): { promise: Promise<T>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    if (Number.isFinite(ms)) timer = setTimeout(() => resolve(value), Math.max(0, ms));
  });
  return { promise, clear: () => clearTimeout(timer) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
