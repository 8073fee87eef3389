import type Router from '@koa/router';

/** A plugin's part of the node's HTTP API. */
export interface HttpRoute {
  readonly name: string;
  mount(router: Router): void;
}

/** Fields a plugin adds to GET /version (etcd clients read `etcdserver` and `etcdcluster` there). */
export interface VersionInfo {
  readonly name: string;
  fields(): Readonly<Record<string, string>>;
}

/** Where this node's API can be reached, once it listens (plugins advertise it to peers). */
export interface ApiEndpoint {
  readonly url: string | undefined;
}

export interface HealthReport {
  ok: boolean;
  detail?: string;
}

/** A check that /health runs; any failing check makes the node unhealthy (503). */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<HealthReport>;
}
