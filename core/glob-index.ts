import { globMatcher, literalPrefix, type NameMatcher } from './glob.js';

interface Declared<T> {
  match: NameMatcher;
  owners: Set<T>;
}

/**
 * Globs declared by owners (units, say), kept by literal prefix: the globs that can match a
 * name are those under one of the name's prefixes, so a lookup walks the name's prefixes
 * instead of every glob.
 */
export class DeclaredGlobs<T> {
  /** Literal prefix → glob → who declares it. */
  private readonly byPrefix = new Map<string, Map<string, Declared<T>>>();
  /** No declared glob has a longer literal prefix than this. */
  private longestPrefix = 0;

  add(owner: T, globs: Iterable<string>): void {
    for (const glob of globs) {
      const prefix = literalPrefix(glob);
      let bucket = this.byPrefix.get(prefix);
      if (!bucket) {
        this.byPrefix.set(prefix, (bucket = new Map()));
        this.longestPrefix = Math.max(this.longestPrefix, prefix.length);
      }
      let declared = bucket.get(glob);
      if (!declared) bucket.set(glob, (declared = { match: globMatcher(glob), owners: new Set() }));
      declared.owners.add(owner);
    }
  }

  remove(owner: T, globs: Iterable<string>): void {
    for (const glob of globs) {
      const prefix = literalPrefix(glob);
      const bucket = this.byPrefix.get(prefix);
      const declared = bucket?.get(glob);
      if (!declared) continue;
      declared.owners.delete(owner);
      if (declared.owners.size > 0) continue;
      bucket!.delete(glob);
      if (bucket!.size === 0) this.byPrefix.delete(prefix);
    }
  }

  /** Calls `visit` with every declared glob that matches `name` and each owner that declares it. */
  forEachMatching(name: string, visit: (glob: string, owner: T) => void): void {
    const longest = Math.min(name.length, this.longestPrefix);
    for (let length = 0; length <= longest; length++) {
      const bucket = this.byPrefix.get(name.slice(0, length));
      if (!bucket) continue;
      for (const [glob, { match, owners }] of bucket) {
        if (match(name)) for (const owner of owners) visit(glob, owner);
      }
    }
  }
}
