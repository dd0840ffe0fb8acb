// The closed vocabulary infra recognizers may attach to an exec effect. Policy rules are checked
// against INFRA_TAGS, so a tag that is not listed here can never be emitted.

export const INFRA_TAGS = [
  'infra.read',
  'infra.change',
  'infra.destroy',
  'db.destroy',
  'db.local',
  'db.remote',
  'registry.publish',
  'registry.destroy',
  'repo.read',
  'repo.write',
  'repo.destroy',
  'cred.read',
  'cred.manage',
] as const;

export type InfraTag = (typeof INFRA_TAGS)[number];

/** One CLI family: `argv` excludes the program name. */
export type Recognizer = (argv: readonly string[]) => InfraTag[];

export function add(out: InfraTag[], tag: InfraTag): InfraTag[] {
  if (!out.includes(tag)) out.push(tag);
  return out;
}

/** What a verb does to the infrastructure it names. */
export type Act = 'read' | 'change' | 'destroy';

const ACT_TAG = { read: 'infra.read', change: 'infra.change', destroy: 'infra.destroy' } as const;

/** A dry run only reports what it would do, so it counts as a read whatever the verb. */
export function addAct(out: InfraTag[], act: Act | undefined, dryRun = false): InfraTag[] {
  if (act) add(out, dryRun ? 'infra.read' : ACT_TAG[act]);
  return out;
}
