// A quick look at the disk under a directory: its filesystem, and how long a small write plus
// fdatasync takes there, which bounds the latency of any store that syncs before it answers.
import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile } from './harness.js';

export interface DiskProbe {
  mount: string;
  fsType: string;
  device: string;
  syncs: number;
  p50: number;
  p99: number;
  max: number;
}

function mountOf(dir: string): { mount: string; fsType: string; device: string } {
  let best = { mount: '?', fsType: '?', device: '?' };
  let bestLength = -1;
  try {
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, fsType] = line.split(' ');
      if (!device || !mount || !fsType) continue;
      const inside = dir === mount || dir.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
      if (inside && mount.length >= bestLength) {
        best = { mount, fsType, device };
        bestLength = mount.length;
      }
    }
  } catch {
    // no /proc: leave it unknown
  }
  return best;
}

/** 4 KiB write + fdatasync in `dir`, up to `maxSyncs` times or `maxMs`, whichever comes first. */
export function probeDisk(dir: string, maxSyncs = 200, maxMs = 1500): DiskProbe {
  const file = path.join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 0x61);
  const samples: number[] = [];
  try {
    const deadline = performance.now() + maxMs;
    for (let i = 0; i < maxSyncs && performance.now() < deadline; i++) {
      const before = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      samples.push(performance.now() - before);
    }
  } finally {
    closeSync(fd);
  }
  const sorted = Float64Array.from(samples).sort();
  return { ...mountOf(dir), syncs: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}
