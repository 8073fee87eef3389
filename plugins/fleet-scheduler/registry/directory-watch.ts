import type { KvResult, KvStore, Logger } from '../../../core/index.js';

const RETRY_MS = 200;

/**
 * Calls `onChange` for every change under a directory, for as long as it is not closed. A
 * watch that breaks (history cleared, store restarting) is opened again and `onChange` is
 * called once, since changes may have been missed; callers re-read what they need.
 */
export function watchDirectory(kv: KvStore, dir: string, onChange: (event?: KvResult) => void, log: Logger): { close(): void } {
  const controller = new AbortController();
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const watch = kv.watch(dir, { recursive: true, signal: controller.signal });
        for await (const event of watch) onChange(event);
      } catch (err) {
        if (controller.signal.aborted) return;
        log.debug({ err, dir }, 'watch broke; opening it again');
      }
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      onChange();
    }
  };
  void run();
  return { close: () => controller.abort() };
}
