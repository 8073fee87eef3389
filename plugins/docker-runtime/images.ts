import type Docker from 'dockerode';
import { describeEngineError, statusOf } from './engine.js';

/** The image a container needs is not on the engine, and pulling is off. */
export class ImageMissingError extends Error {
  constructor(readonly image: string) {
    super(`image ${image} is not present on this engine; pull it or set plugins.docker-runtime.pull: true`);
    this.name = 'ImageMissingError';
  }
}

/** An image reference as docker shows it: `busybox` is `busybox:latest`; a tag or digest stays. */
export function fullImageName(reference: string): string {
  if (reference.includes('@')) return reference;
  const lastPart = reference.slice(reference.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? reference : `${reference}:latest`;
}

/** Whether the engine has the image (by name, tag or id). */
export async function imagePresent(docker: Docker, reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw new Error(`cannot inspect image ${fullImageName(reference)}: ${describeEngineError(error)}`);
  }
}

/** Pulls an image (POST /images/create), following its progress to the end; throws with the engine's or registry's error. */
export async function pullImage(docker: Docker, reference: string): Promise<void> {
  const image = fullImageName(reference);
  let progress: NodeJS.ReadableStream;
  try {
    progress = (await docker.pull(image)) as NodeJS.ReadableStream;
  } catch (error) {
    throw new Error(`pulling ${image} failed: ${describeEngineError(error)}`);
  }
  const events = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) => {
    docker.modem.followProgress(progress, (error: Error | null, output: { error?: string }[]) => (error ? reject(error) : resolve(output)));
  }).catch((error: unknown) => {
    throw new Error(`pulling ${image} failed: ${describeEngineError(error)}`);
  });
  const failure = events.find((event) => event.error !== undefined || event.errorDetail !== undefined);
  if (failure) throw new Error(`pulling ${image} failed: ${failure.errorDetail?.message ?? failure.error}`);
}

/** Makes sure the image is there: pulls it when allowed, else throws an ImageMissingError. */
export async function ensureImage(docker: Docker, reference: string, pull: boolean): Promise<void> {
  if (await imagePresent(docker, reference)) return;
  if (!pull) throw new ImageMissingError(fullImageName(reference));
  await pullImage(docker, reference);
}
