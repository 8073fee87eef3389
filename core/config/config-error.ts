export type ConfigPath = readonly (string | number)[];

export type ConfigOrigin =
  | { kind: 'file'; file: string; line: number; column: number }
  | { kind: 'env'; variable: string }
  | { kind: 'flag'; flag: string }
  | { kind: 'default' };

export interface ConfigIssue {
  path: ConfigPath;
  message: string;
  origin: ConfigOrigin;
}

export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function formatOrigin(origin: ConfigOrigin): string {
  switch (origin.kind) {
    case 'file':
      return `${origin.file}:${origin.line}:${origin.column}`;
    case 'env':
      return `environment ${origin.variable}`;
    case 'flag':
      return `flag ${origin.flag}`;
    case 'default':
      return 'defaults';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
  return `${formatOrigin(issue.origin)}: ${where}${issue.message}`;
}

const ORIGIN_RANK = { file: 0, env: 1, flag: 2, default: 3 } as const;

/** File problems first, by line, then environment, flags and defaults. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const line = (issue: ConfigIssue) => (issue.origin.kind === 'file' ? issue.origin.line * 1e4 + issue.origin.column : 0);
  return [...issues].sort(
    (a, b) =>
      ORIGIN_RANK[a.origin.kind] - ORIGIN_RANK[b.origin.kind] ||
      line(a) - line(b) ||
      formatOrigin(a.origin).localeCompare(formatOrigin(b.origin)),
  );
}

/** One or more problems in a node's configuration; nothing has started when it is thrown. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(unsorted: readonly ConfigIssue[]) {
    const issues = sortIssues(unsorted);
    const lines = issues.map(formatIssue);
    super(
      issues.length === 1
        ? `invalid configuration: ${lines[0]}`
        : `invalid configuration (${issues.length} problems):\n  ${lines.join('\n  ')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
