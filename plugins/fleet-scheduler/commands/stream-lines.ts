/** The lines of a streamed answer as they arrive; `stop` ends the stream early. */
export async function* streamLines(body: ReadableStream<Uint8Array>, stop: AbortSignal): AsyncGenerator<string> {
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
        yield pending.slice(0, newline);
        pending = pending.slice(newline + 1);
      }
    }
    pending += decoder.decode();
    if (!stop.aborted && pending !== '') yield pending;
  } finally {
    stop.removeEventListener('abort', cancel);
    if (stop.aborted) cancel();
    reader.releaseLock();
  }
}
