import type { Registry } from 'prom-client';
import type { ClusterDiscovery } from './contracts/cluster-discovery.js';
import type { ExecRuntime } from './contracts/exec-runtime.js';
import type { ApiEndpoint, HealthCheck, HttpRoute, VersionInfo } from './contracts/http-route.js';
import type { Journal, JournalWriters } from './contracts/journal.js';
import type { KvStore } from './contracts/kv-store.js';
import type { SchedulingConstraint } from './contracts/scheduling-constraint.js';
import type { UnitManager } from './contracts/unit-manager.js';
import type { NodeConfig } from './config/schema.js';
import type { Logger } from './logging.js';
import type { NodeIdentity } from './node-identity.js';
import type { PluginStatusSource } from './plugin-status.js';
import { token } from './token.js';

/** Services the kernel provides, and the contracts plugins implement or consume. */
export const CORE = Object.freeze({
  Config: token<NodeConfig>('core.Config'),
  Logger: token<Logger>('core.Logger'),
  Node: token<NodeIdentity>('core.Node'),
  Metrics: token<Registry>('core.Metrics'),
  PluginStatus: token<PluginStatusSource>('core.PluginStatus'),
  /** The node's API URL, set once the API listens. */
  ApiEndpoint: token<ApiEndpoint>('core.ApiEndpoint'),
  /** Many: every plugin's routes, mounted on the node's API server. */
  HttpRoute: token<HttpRoute>('core.HttpRoute'),
  /** Many: fields added to /version. */
  VersionInfo: token<VersionInfo>('core.VersionInfo'),
  /** Many: checks behind /health. */
  HealthCheck: token<HealthCheck>('core.HealthCheck'),
  /** One: the node's key/value store. */
  KvStore: token<KvStore>('core.KvStore'),
  /** One: the unit supervisor of this machine. */
  UnitManager: token<UnitManager>('core.UnitManager'),
  /** Many: ways to run a unit's processes (local process, container, …). */
  ExecRuntime: token<ExecRuntime>('core.ExecRuntime'),
  /** One: the node's journal. */
  Journal: token<Journal>('core.Journal'),
  /** One: stream ingestion and supervisor messages, from the journal plugin. */
  JournalWriters: token<JournalWriters>('core.JournalWriters'),
  /** One, optional: how founding members of a new cluster find each other (the discovery plugin). */
  ClusterDiscovery: token<ClusterDiscovery>('core.ClusterDiscovery'),
  /** Many: placement rules of the cluster scheduler. */
  SchedulingConstraint: token<SchedulingConstraint>('core.SchedulingConstraint'),
});
