import type { ConstraintPlan, ConstraintVerdict, SchedulableUnit, SchedulingConstraint } from '../../core/index.js';
import { metadataRequirements, parseMetadataItem, type MetadataItem } from './metadata-items.js';

const OK: ConstraintVerdict = { ok: true };
const NONE: readonly string[] = [];

/** [X-Fleet] MachineMetadata=: the machine's metadata must meet every item. */
export class MetadataConstraint implements SchedulingConstraint {
  readonly name = 'metadata';

  validate(unit: SchedulableUnit): readonly string[] {
    return (unit.requirements.MachineMetadata ?? []).flatMap((text) => {
      const parsed = parseMetadataItem(text);
      return parsed.ok ? [] : [parsed.problem];
    });
  }

  plan(unit: SchedulableUnit): ConstraintPlan | undefined {
    const texts = unit.requirements.MachineMetadata ?? [];
    if (texts.length === 0) return undefined;
    const items: MetadataItem[] = [];
    for (const text of texts) {
      const parsed = parseMetadataItem(text);
      if (!parsed.ok) {
        const refusal: ConstraintVerdict = { ok: false, reason: parsed.problem };
        return { candidates: [], filter: () => refusal };
      }
      items.push(parsed.item);
    }
    const requirements = metadataRequirements(items);
    return {
      filter: (machine) => {
        for (const { key, check } of requirements) {
          const reason = check(Object.hasOwn(machine.metadata, key) ? machine.metadata[key]! : NONE);
          if (reason !== undefined) return { ok: false, reason };
        }
        return OK;
      },
    };
  }
}
