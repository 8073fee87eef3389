import { Flags } from '@oclif/core';
import { rowsOf, type Column, type MachineLookup } from './columns.js';
import { tabTable } from './tabwriter.js';

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

/** The chosen fields of `items` as fleetctl prints them, shortened unless --full, under headers unless --no-legend. */
export function listTable<T>(
  items: readonly T[],
  fields: readonly string[],
  columns: Readonly<Record<string, Column<T>>>,
  flags: { full: boolean; 'no-legend': boolean },
  machine: MachineLookup = (id) => ({ id }),
): string {
  return tabTable(fields, rowsOf(items, fields, columns, { full: flags.full, machine }), flags['no-legend']);
}
