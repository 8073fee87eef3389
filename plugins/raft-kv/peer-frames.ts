/** Largest frame accepted on a peer stream. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** `[4-byte big-endian length][payload]`. */
export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  return frame;
}

/** Cuts a byte stream back into the frames written into it. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) throw new Error(`peer frame of ${length} bytes is over the limit of ${MAX_FRAME_BYTES}`);
      if (buffer.length < 4 + length) break;
      frames.push(buffer.subarray(4, 4 + length));
      buffer = buffer.subarray(4 + length);
    }
    this.pending = buffer.length > 0 ? Buffer.from(buffer) : Buffer.alloc(0);
    return frames;
  }
}
