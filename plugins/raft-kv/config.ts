import { z } from 'zod';
import { positiveDurationSetting } from '../../core/index.js';

const duration = positiveDurationSetting;

const peerUrl = z.url({ protocol: /^https?$/, error: 'a peer URL looks like http://127.0.0.1:2380' });

export const raftKvConfigSchema = z
  .strictObject({
    /** The member's name in the cluster; the node's name when absent. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/).optional(),
    /** Where the peer transport listens. */
    peerAddress: z.string().default('127.0.0.1'),
    peerPort: z.number().int().min(0).max(65535).default(2380),
    /** The peer URL other members use; http://peerAddress:peerPort when absent. */
    advertisePeerUrl: peerUrl.optional(),
    /** The client URL advertised in /v2/members (etcdctl talks to it); the node's API when absent. */
    advertiseClientUrl: peerUrl.optional(),
    /** The founding members, name to peer URL; this member alone when absent. */
    initialCluster: z.record(z.string(), peerUrl).optional(),
    /**
     * `new` founds a cluster of initialCluster's members; `existing` joins a running cluster that
     * already added this member (`flotilla member add`), reaching it through initialCluster's peer URLs.
     */
    initialClusterState: z.enum(['new', 'existing']).default('new'),
    /**
     * A discovery URL (etcd's v2 discovery protocol, e.g. http://host:2379/v2/keys/_etcd/registry/TOKEN):
     * the founding members find each other there instead of through initialCluster. Used on the
     * first start only; a member with a data dir restarts from it. Needs the discovery plugin.
     */
    discovery: peerUrl.optional(),
    /** How long a first start waits at the discovery URL for the other founding members. */
    discoveryTimeout: duration('15m'),
    /** Shared by every member: it authenticates peer traffic and seeds member and cluster ids. */
    clusterToken: z.string().min(1).default('flotilla-cluster'),
    /** How often the Raft clock ticks. */
    tick: duration('100ms'),
    /** Ticks without a leader before an election (randomized up to twice this). */
    electionTicks: z.number().int().min(2).default(10),
    heartbeatTicks: z.number().int().min(1).default(1),
    preVote: z.boolean().default(true),
    checkQuorum: z.boolean().default(true),
    maxInflight: z.number().int().min(1).default(256),
    maxEntriesPerMessage: z.number().int().min(1).default(4096),
    /** Applied entries between snapshots. */
    snapshotCount: z.number().int().min(1).default(100_000),
    /** Entries kept behind a snapshot so slightly slow followers catch up from the log. */
    catchUpEntries: z.number().int().min(0).default(5_000),
    /** Events kept for waitIndex watches (etcd keeps 1000). */
    historySize: z.number().int().min(1).default(20_000),
    maxWatchers: z.number().int().min(1).default(10_000),
    /** How long a write or a linearizable read may wait for the cluster. */
    requestTimeout: duration('5s'),
    /** Longest key accepted, in bytes. */
    maxKeyBytes: z.number().int().min(1).default(8192),
    /** Largest value accepted, in bytes. */
    maxValueBytes: z.number().int().min(1).default(1_572_864),
  })
  .superRefine((config, ctx) => {
    if (config.discovery !== undefined && config.initialCluster !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['discovery'], message: 'give either discovery or initialCluster, not both' });
    }
    if (config.heartbeatTicks >= config.electionTicks) {
      ctx.addIssue({ code: 'custom', path: ['heartbeatTicks'], message: 'must be below electionTicks' });
    }
  });

export type RaftKvConfig = z.output<typeof raftKvConfigSchema>;
