// The closed vocabulary infra recognizers may attach to an exec effect. Policy rules are checked
// against INFRA_TAGS, so a tag that is not listed here can never be emitted.

export const INFRA_TAGS = [
  'infra.read',
  'infra.change',
  'infra.destroy',
  // The target is a local emulator or cluster (LocalStack, kind, minikube): its data is a developer's own.
  'infra.local',
  'db.destroy',
  'db.local',
  'db.remote',
  // A framework or migration tool wipes the database its configuration points at (issue 12).
  'db.reset',
  // The database or environment is named as production (`app_production`, `RAILS_ENV=production`).
  'db.production',
  // The database or environment is named as a test one (`RAILS_ENV=test`, `myapp_test`).
  'db.test',
  'registry.publish',
  'registry.destroy',
  'repo.read',
  'repo.write',
  'repo.destroy',
  'cred.read',
  'cred.manage',
] as const;

export type InfraTag = (typeof INFRA_TAGS)[number];

/** Standard input as the shell shows it: literal text (a here-doc, `echo ... |`), or something else. */
export interface ExecStdin {
  kind: string;
  text?: string;
  /** kind `file`: the file redirected in (`< f.sql`, `cat f.sql |`), as written. */
  path?: string;
  /** kind `text`: parts of it (unquoted here-doc expansions, `echo "$X"`) are only known at run time. */
  dynamic?: boolean;
}

/** What the command runs with besides its words: the environment (`FOO=bar cmd`, earlier `export`s) and stdin. */
export interface ExecInfo {
  /** `null` values are only known at run time. */
  env?: ReadonlyMap<string, string | null>;
  stdin?: ExecStdin;
  /** Reads a script file the command is told to run (relative to its directory); undefined when unreadable. */
  read?: (path: string) => string | undefined;
  /** The command runs program text (SQL, redis commands, a script) that agent-sre cannot see. */
  unseen?: (what: string) => void;
  /** Values of the command's words that have run-time parts (`"$SQL"`, `$(cat x)`), as opposed to quoted literal text. */
  dynamicWords?: ReadonlySet<string>;
}

/** One CLI family: `argv` excludes the program name. */
export type Recognizer = (argv: readonly string[], info?: ExecInfo) => InfraTag[];

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
