/** A leading `<N>` (N 0–7, as sd-daemon's SD_ERR etc. print) sets the line's priority and is removed. */
export function parsePriorityPrefix(line: string): { priority?: number; message: string } {
  if (line.length >= 3 && line.charCodeAt(0) === 0x3c && line.charCodeAt(2) === 0x3e) {
    const digit = line.charCodeAt(1) - 48;
    if (digit >= 0 && digit <= 7) return { priority: digit, message: line.slice(3) };
  }
  return { message: line };
}
