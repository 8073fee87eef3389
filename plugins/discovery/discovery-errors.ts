/** etcd's discovery failures, with its wording first and what to do after. */
export class DiscoveryError extends Error {
  constructor(
    readonly kind: 'size-not-found' | 'bad-size' | 'bad-endpoint' | 'cluster-full' | 'duplicate-id' | 'duplicate-name' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'DiscoveryError';
  }
}
