import type Router from '@koa/router';
import type { Context } from 'koa';
import type { RaftKvConfig } from '../config.js';
import { memberIdFor, trimHexId } from '../member-id.js';
import type { Member } from '../membership.js';
import type { RaftDriver } from '../raft-driver.js';
import { encodeJson } from './v2-json.js';

const publicMember = (member: Member) => ({
  id: member.id,
  name: member.name,
  peerURLs: member.peerURLs,
  clientURLs: member.clientURLs,
  ...(member.isLearner ? { isLearner: true } : {}),
});

/** etcd encodes answers with a trailing newline, and its `{"message":…}` errors without one. */
function send(ctx: Context, status: number, body?: unknown): void {
  ctx.status = status;
  if (body !== undefined) {
    ctx.type = 'application/json';
    const json = encodeJson(body);
    ctx.body = status >= 400 ? json.trimEnd() : json;
  }
}

/** /v2/members, /v2/stats/* and /v2/machines, in etcd's shapes. */
export function mountClusterRoutes(router: Router, driver: RaftDriver, config: RaftKvConfig): void {
  const members = () => driver.machine.members;
  const withClusterId = (ctx: Context) => ctx.set('X-Etcd-Cluster-Id', trimHexId(driver.identity.clusterId));

  router.get('/v2/members', (ctx) => {
    withClusterId(ctx);
    send(ctx, 200, { members: members().list().map(publicMember) });
  });

  router.get('/v2/members/leader', (ctx) => {
    withClusterId(ctx);
    const leader = driver.status().leader;
    const member = leader ? members().get(leader) : undefined;
    if (!member) return send(ctx, 503, { message: 'During election' });
    send(ctx, 200, publicMember(member));
  });

  router.post('/v2/members', async (ctx) => {
    withClusterId(ctx);
    if (!ctx.request.is('application/json')) {
      return send(ctx, 415, { message: `Bad Content-Type ${ctx.get('Content-Type') || '(none)'}, accept application/json` });
    }
    const body = ctx.request.body as { peerURLs?: unknown; isLearner?: unknown } | undefined;
    const peerURLs = validPeerUrls(body?.peerURLs);
    if (!peerURLs) return send(ctx, 400, { message: 'peerURLs must be a non-empty list of http(s) URLs' });
    const taken = members().list().find((member) => member.peerURLs.some((url) => peerURLs.includes(url)));
    if (taken) return send(ctx, 409, { message: `etcdserver: peerURL exists` });
    const id = memberIdFor(peerURLs, `${config.clusterToken}${Date.now()}`);
    const learner = body?.isLearner === true;
    try {
      await driver.changeMembership({ type: learner ? 'addLearner' : 'addNode', node: id, context: JSON.stringify({ peerURLs }) });
    } catch (error) {
      return send(ctx, 500, { message: (error as Error).message });
    }
    send(ctx, 201, { id, name: '', peerURLs, clientURLs: [], ...(learner ? { isLearner: true } : {}) });
  });

  router.post('/v2/members/:id/promote', async (ctx) => {
    withClusterId(ctx);
    const member = members().get(ctx.params.id!);
    if (!member) return send(ctx, 404, { message: `No such member: ${ctx.params.id}` });
    if (!member.isLearner) return send(ctx, 409, { message: 'member is not a learner' });
    try {
      await driver.changeMembership({ type: 'addNode', node: member.id });
    } catch (error) {
      return send(ctx, 500, { message: (error as Error).message });
    }
    send(ctx, 200, publicMember(members().get(member.id)!));
  });

  router.delete('/v2/members/:id', async (ctx) => {
    withClusterId(ctx);
    const id = ctx.params.id!;
    if (members().isRemoved(id)) return send(ctx, 410, { message: `Member permanently removed: ${id}` });
    if (!members().get(id)) return send(ctx, 404, { message: `No such member: ${id}` });
    try {
      await driver.changeMembership({ type: 'removeNode', node: id });
    } catch (error) {
      return send(ctx, 500, { message: (error as Error).message });
    }
    send(ctx, 204);
  });

  router.put('/v2/members/:id', async (ctx) => {
    withClusterId(ctx);
    const id = ctx.params.id!;
    if (!members().get(id)) return send(ctx, 404, { message: `No such member: ${id}` });
    const peerURLs = validPeerUrls((ctx.request.body as { peerURLs?: unknown } | undefined)?.peerURLs);
    if (!peerURLs) return send(ctx, 400, { message: 'peerURLs must be a non-empty list of http(s) URLs' });
    const outcome = await driver.propose({ op: 'updatePeerUrls', member: id, peerURLs }).then(
      () => undefined,
      (error: Error) => error,
    );
    if (outcome) return send(ctx, 500, { message: outcome.message });
    send(ctx, 204);
  });

  router.get('/v2/machines', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = members()
      .list()
      .flatMap((member) => member.clientURLs)
      .join(', ');
  });

  router.get('/v2/stats/self', (ctx) => {
    const status = driver.status();
    const self = members().get(status.memberId);
    send(ctx, 200, {
      name: self?.name ?? driver.identity.name,
      id: status.memberId,
      state: status.role === 'leader' ? 'StateLeader' : status.role === 'candidate' || status.role === 'preCandidate' ? 'StateCandidate' : 'StateFollower',
      startTime: status.startedAt.toISOString(),
      leaderInfo: {
        leader: status.leader ?? '',
        uptime: status.leaderSince && status.role === 'leader' ? `${((Date.now() - status.leaderSince.getTime()) / 1000).toFixed(3)}s` : '',
        startTime: status.leaderSince?.toISOString() ?? '',
      },
      recvAppendRequestCnt: driver.transportCounters.appendsReceived,
      sendAppendRequestCnt: driver.transportCounters.appendsSent,
    });
  });

  router.get('/v2/stats/leader', (ctx) => {
    const status = driver.status();
    if (status.role !== 'leader') return send(ctx, 403, { message: 'not current leader' });
    send(ctx, 200, { leader: status.memberId, followers: Object.fromEntries(driver.peerStats()) });
  });

  router.get('/v2/stats/store', (ctx) => {
    send(ctx, 200, driver.machine.store.stats);
  });
}

function validPeerUrls(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const urls = value.filter((url): url is string => typeof url === 'string' && /^https?:\/\/[^/\s]+$/.test(url.replace(/\/$/, '')));
  return urls.length === value.length ? urls : undefined;
}
