const SECTION = /^\[[^\]]+\]$/;
const SETTING = /^[A-Za-z0-9_-]+\s*=/;

/**
 * A first check of a unit file's text, so that a garbled one stops the node before anything is
 * written: sections and Key=value lines (with `\` continuations). The unit manager checks the
 * settings themselves when it loads the unit.
 */
export function unitTextProblem(text: string): string | undefined {
  if (text.trim() === '') return 'is empty';
  const lines = text.split(/\r?\n/);
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (SECTION.test(line)) {
      section = line;
      continue;
    }
    if (section === undefined) return `line ${i + 1}: "${line}" comes before any [Section] header`;
    if (!SETTING.test(line)) return `line ${i + 1}: "${line}" is neither a [Section] header nor a Key=value setting`;
    while (lines[i]!.trimEnd().endsWith('\\') && i + 1 < lines.length) i++;
  }
  return section === undefined ? 'has no [Section]' : undefined;
}
