/**
 * The lines of a streamed answer as they arrive, without their newlines; `stop` ends the stream
 * early. With `skipEmpty`, empty lines are left out.
 */
export async function* streamLines(body: ReadableStream<Uint8Array>, stop: AbortSignal, options: { skipEmpty?: boolean } = {}): AsyncGenerator<string> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  stop.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  let pending = '';
  try {
    while (!stop.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line !== '' || !options.skipEmpty) yield line;
      }
    }
    if (!stop.aborted) {
      pending += decoder.decode();
      if (pending !== '') yield pending;
    }
  } finally {
    stop.removeEventListener('abort', cancel);
    if (stop.aborted) cancel();
    reader.releaseLock();
  }
}
