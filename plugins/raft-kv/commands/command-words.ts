/**
 * Splits a command line into argv without a shell: words are separated by blanks; '…' keeps its
 * text as written; "…" keeps its text except that \" \\ and \$ lose their backslash; a backslash
 * outside quotes keeps the next character as is. Nothing else is special: no variables, globs,
 * pipes, redirections or `;`.
 */
export function splitCommandWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const add = (text: string) => (word = (word ?? '') + text);
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new SyntaxError(`unclosed ' in: ${line}`);
      add(line.slice(i + 1, end));
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; ; i++) {
        if (i >= line.length) throw new SyntaxError(`unclosed " in: ${line}`);
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\' || line[i + 1] === '$')) text += line[++i];
        else text += d;
      }
      add(text);
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new SyntaxError(`a trailing \\ in: ${line}`);
      add(line[++i]!);
    } else add(c);
  }
  if (word !== undefined) words.push(word);
  return words;
}
