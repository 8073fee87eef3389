/** Splits `ARGS -- COMMAND ARGS...` at the first `--`: what oclif parses, and the command to run as given. */
export function splitAtDashDash(argv: readonly string[]): { own: string[]; command: string[] } {
  const at = argv.indexOf('--');
  if (at === -1) return { own: [...argv], command: [] };
  return { own: argv.slice(0, at), command: argv.slice(at + 1) };
}

/** The exit code a shell reports for a child: its own, or 128 + the signal number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null, signals: Record<string, number>): number {
  if (code !== null) return code;
  return 128 + (signal ? (signals[signal] ?? 0) : 0);
}
