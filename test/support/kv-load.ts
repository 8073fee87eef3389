import type { HistoryRecorder } from './linearizability/index.js';
import { keyUrl, NoAnswerError, v2, type V2Answer } from './v2-client.js';

export interface KvLoadOptions {
  recorder: HistoryRecorder;
  /** API URLs to pick from at random for each op; read on every op, so it may change while running. */
  targets(): string[];
  clients: number;
  /** Keys (paths under /v2/keys) shared by all clients: reads, writes and CAS. */
  keys: string[];
  /** Each client also writes keys of its own under this dir, each once: lost-write detection. */
  uniqueDir: string;
  durationMs: number;
  opTimeoutMs: number;
  random: () => number;
}

export interface KvLoadReport {
  /** Ops that got an answer, by kind and outcome. */
  counts: Record<string, number>;
  /** Unique-key writes that were acknowledged: key -> value. */
  acknowledged: Map<string, string>;
  /** Unique-key writes whose outcome is unknown. */
  uncertain: Map<string, string>;
  /** Answers no op kind expects (a bug or a harness mistake). */
  unexpected: string[];
}

const isOk = (answer: V2Answer) => answer.status === 200 || answer.status === 201;
/** 412 compare failed or key exists; 404 key not found (prevValue on an absent key): a CAS that did not apply. */
const casRefused = (answer: V2Answer) => (answer.status === 412 && [101, 105].includes(answer.body?.errorCode)) || (answer.status === 404 && answer.body?.errorCode === 100);

/**
 * Closed-loop clients issuing linearizable reads, writes and CAS on shared keys, recording a
 * history. An op without an answer, or with a 5xx, is indeterminate: the client is retired and
 * continues under a fresh id. Indeterminate reads are dropped (a read changes nothing).
 */
export async function runKvLoad(options: KvLoadOptions): Promise<KvLoadReport> {
  const { recorder, random } = options;
  const report: KvLoadReport = { counts: {}, acknowledged: new Map(), uncertain: new Map(), unexpected: [] };
  const count = (what: string) => (report.counts[what] = (report.counts[what] ?? 0) + 1);
  const lastSeen = new Map<string, string | null>();
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const stopAt = performance.now() + options.durationMs;
  let sequence = 0;

  const send = async (url: string, method: string, form?: Record<string, string>): Promise<V2Answer | undefined> => {
    try {
      return await v2(url, { method, timeoutMs: options.opTimeoutMs, ...(form && { form }) });
    } catch (error) {
      if (error instanceof NoAnswerError) return undefined;
      throw error;
    }
  };

  const client = async (slot: number) => {
    let id = recorder.freshClient();
    while (performance.now() < stopAt) {
      const target = pick(options.targets());
      const roll = random();
      const value = `c${slot}-${++sequence}`;
      if (roll < 0.1) {
        const key = `${options.uniqueDir}/${value}`;
        const answer = await send(keyUrl(target, key), 'PUT', { value });
        if (answer && isOk(answer)) {
          report.acknowledged.set(key, value);
          count('unique write ok');
        } else {
          report.uncertain.set(key, value);
          count('unique write indeterminate');
        }
        continue;
      }
      const key = pick(options.keys);
      if (roll < 0.45) {
        const op = recorder.invoke(id, key, 'read');
        const answer = await send(keyUrl(target, key), 'GET');
        if (answer?.status === 200) {
          op.ok({ value: answer.body.node.value });
          lastSeen.set(key, answer.body.node.value);
          count('read ok');
        } else if (answer?.status === 404 && answer.body?.errorCode === 100) {
          op.ok({ value: null });
          lastSeen.set(key, null);
          count('read ok');
        } else {
          op.fail();
          if (answer && answer.status < 500) report.unexpected.push(`GET ${key}: ${answer.status} ${JSON.stringify(answer.body)}`);
          count('read dropped');
        }
        continue;
      }
      const cas = roll >= 0.75;
      const expected = lastSeen.has(key) ? lastSeen.get(key)! : null;
      const op = cas ? recorder.invoke(id, key, 'cas', { expected, value }) : recorder.invoke(id, key, 'write', { value });
      const form: Record<string, string> = { value };
      if (cas && expected === null) form.prevExist = 'false';
      else if (cas) form.prevValue = expected!;
      const answer = await send(keyUrl(target, key), 'PUT', form);
      if (answer && isOk(answer)) {
        op.ok(cas ? { ok: true } : {});
        lastSeen.set(key, value);
        count(cas ? 'cas ok' : 'write ok');
      } else if (answer && cas && casRefused(answer)) {
        op.ok({ ok: false });
        count('cas refused');
      } else {
        op.info();
        id = recorder.freshClient();
        if (answer && answer.status < 500) report.unexpected.push(`PUT ${key} ${JSON.stringify(form)}: ${answer.status} ${JSON.stringify(answer.body)}`);
        count(cas ? 'cas indeterminate' : 'write indeterminate');
      }
    }
  };

  await Promise.all(Array.from({ length: options.clients }, (_, slot) => client(slot)));
  return report;
}
