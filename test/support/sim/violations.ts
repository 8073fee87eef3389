/** A broken invariant: the run stops at the step that found it. */
export class SimViolation extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'SimViolation';
  }
}

export function violation(invariant: string, detail: string): never {
  throw new SimViolation(invariant, detail);
}
