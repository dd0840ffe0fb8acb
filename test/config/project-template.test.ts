// The agent-sre.yaml init writes starts with a yaml-language-server modeline whose path resolves, relative
// to the file, to the schema shipped in the package, and the file it starts validates against that schema.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateJsonSchema } from '../../src/app/json-schema.ts';
import { loadPolicy } from '../../src/config/load.ts';
import {
  INSTALLED_SCHEMA,
  PROJECT_POLICY_TEMPLATE,
  projectPolicyTemplate,
  schemaReference,
} from '../../src/config/project-template.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The schema path as yaml-language-server finds it: the first comment line of the modeline form. */
function modelineSchema(text: string): string | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) continue;
    if (/^#\s+yaml-language-server\s*:/.test(line)) return /\$schema=(\S+)/.exec(line)?.[1] ?? null;
  }
  return null;
}

let scratch: string[] = [];
afterEach(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
  scratch = [];
});
const tempDir = () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-template-')));
  scratch.push(d);
  return d;
};

describe('the generated agent-sre.yaml', () => {
  it('starts with the modeline pointing into node_modules/agent-sre, and is still a valid policy', () => {
    expect(PROJECT_POLICY_TEMPLATE.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./node_modules/agent-sre/schema/agent-sre.schema.json',
    );
    expect(modelineSchema(PROJECT_POLICY_TEMPLATE)).toBe(INSTALLED_SCHEMA);
    expect(loadPolicy(PROJECT_POLICY_TEMPLATE, 'agent-sre.yaml').ok).toBe(true);
  });

  it('in an installed layout the path resolves from the file to the shipped schema, which the file satisfies', () => {
    const project = tempDir();
    // node_modules/agent-sre as npm leaves it for an install from a tarball or `npm link`: the package's
    // files (package.json "files" ships schema/) behind the name.
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules', 'agent-sre'), 'dir');
    const schema = schemaReference(project, join(project, 'node_modules', 'agent-sre'), existsSync);
    expect(schema).toBe(INSTALLED_SCHEMA);
    const file = join(project, 'agent-sre.yaml');
    writeFileSync(file, projectPolicyTemplate(schema));
    const text = readFileSync(file, 'utf8');
    const path = resolve(dirname(file), modelineSchema(text)!);
    expect(existsSync(path), path).toBe(true);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(validateJsonSchema(json, parse(text))).toEqual({ ok: true });
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files).toContain('schema');
  });

  it('the same when agent-sre is installed in the project but this CLI runs from elsewhere (npx, global)', () => {
    const project = tempDir();
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules', 'agent-sre'), 'dir');
    expect(schemaReference(project, '/usr/lib/node_modules/agent-sre', existsSync)).toBe(INSTALLED_SCHEMA);
  });

  it('a project that holds the package (this repository) points into it', () => {
    expect(schemaReference(ROOT, ROOT, () => false)).toBe('./schema/agent-sre.schema.json');
    expect(existsSync(join(ROOT, 'schema', 'agent-sre.schema.json'))).toBe(true);
  });

  it('a global install or a clone elsewhere: no modeline (it could not resolve for teammates), a hint instead', () => {
    const project = tempDir();
    const schema = schemaReference(project, join(tempDir(), 'agent-sre'), existsSync);
    expect(schema).toBeNull();
    const text = projectPolicyTemplate(schema);
    expect(modelineSchema(text)).toBeNull();
    expect(text).toContain('npm i -D agent-sre');
    expect(text).toContain(`$schema=${INSTALLED_SCHEMA}`);
    expect(text).not.toContain(project);
    expect(loadPolicy(text, 'agent-sre.yaml').ok).toBe(true);
  });

  it('never writes an absolute path or one with a space', () => {
    expect(modelineSchema(projectPolicyTemplate('./my dir/schema.json'))).toBeNull();
    expect(schemaReference('/a/project', '/elsewhere/agent-sre', () => false)).toBeNull();
  });
});
