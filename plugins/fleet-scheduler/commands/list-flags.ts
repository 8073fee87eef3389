import { Flags } from '@oclif/core';

/** --full (also -l and fleetctl's --l), --no-legend and --fields with the command's default columns. */
export function listFlags(defaultFields: string, validFields: string, options: { shortFull?: boolean } = {}) {
  return {
    full: Flags.boolean({
      description: 'do not shorten machine ids and hashes',
      ...(options.shortFull ? { char: 'l' as const, aliases: ['l'] } : {}),
    }),
    'no-legend': Flags.boolean({ description: 'do not print the column headers' }),
    fields: Flags.string({ description: `columns to print, comma-separated; valid fields are "${validFields}"`, default: defaultFields }),
  };
}
