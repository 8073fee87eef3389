import type { NodeId } from './types.js';

export type VoteResult = 'won' | 'lost' | 'pending';

export function majority(size: number): number {
  return Math.floor(size / 2) + 1;
}

/**
 * The highest index held by a majority of `voters`, given each voter's match index. With no
 * voters nothing can commit, so the answer is 0.
 */
export function committedIndex(voters: ReadonlySet<NodeId>, matchOf: (id: NodeId) => number): number {
  if (voters.size === 0) return 0;
  const matches: number[] = [];
  for (const id of voters) matches.push(matchOf(id));
  matches.sort((a, b) => b - a);
  return matches[majority(voters.size) - 1]!;
}

/** Tallies a (pre-)vote: only the answers of current voters count. */
export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const needed = majority(voters.size);
  if (granted >= needed) return 'won';
  if (voters.size - rejected < needed) return 'lost';
  return 'pending';
}

/** Whether the voters among `ids` form a majority of `voters`. */
export function hasQuorum(voters: ReadonlySet<NodeId>, ids: Iterable<NodeId>): boolean {
  let count = 0;
  for (const id of ids) if (voters.has(id)) count++;
  return voters.size > 0 && count >= majority(voters.size);
}
