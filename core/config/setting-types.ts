import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

/** A number or a string with a unit, parsed to a number; the example says what a good value looks like. */
const withUnit = (parse: (value: number | string) => number | undefined, what: string, examples: string) => (fallback: string) =>
  z
    .union([z.number(), z.string()])
    .default(fallback)
    .transform((value, ctx) => {
      const parsed = parse(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a ${what} (use e.g. ${examples})` });
        return z.NEVER;
      }
      return parsed;
    });

/** A duration setting: milliseconds, or a string such as "500ms", "30s", "5m"; parsed to ms. */
export const durationSetting = withUnit(parseDuration, 'duration', '500ms, 30s, 5m');
/** A size setting: bytes, or a string such as "512kb", "1MiB"; parsed to bytes. */
export const sizeSetting = withUnit(parseSize, 'size', '512kb, 1mb, 1MiB');

/** A duration setting that must be more than zero (a clock tick, an interval). */
export const positiveDurationSetting = (fallback: string) => durationSetting(fallback).refine((ms) => ms > 0, 'must be more than 0');
