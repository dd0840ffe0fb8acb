// The `extends: strict` profile: the default rules plus these. The default policy stays quiet on
// ordinary development, which means code it cannot read runs at tier 1 or 2 (a project script that
// is not on disk yet, `npx some-tool`, a Python one-liner). Teams that want every piece of code
// nobody has seen to pass a human opt in here. Rules only add: a strict rule can raise a tier,
// never lower one, and each id can still be listed under `disabled:`.
export const STRICT_RULES_YAML = `version: 1
rules:
  - id: strict.unread-script
    tier: 3
    reason: Runs a script agent-sre could not read (missing, unreadable or written at run time). A human checks it first.
    match: { kind: [exec], tags: [unread-script], notTags: [deferred] }
  - id: strict.inline-code
    tier: 3
    reason: Runs inline interpreter code. The strict profile has a human read it first; put it in a file in the project and run that.
    match: { kind: [exec], program: ["python*", node, nodejs, deno, bun, perl, ruby, php, Rscript, lua, osascript], args: '(^|\\s)(-[A-Za-z]*[ceE]|--eval|--print|-p)(\\s|=|$)', notTags: [deferred] }
  - id: strict.package-exec
    tier: 3
    reason: Downloads and runs a package that is not a dependency of the project. The strict profile has a human check it; add it to the project's dependencies instead.
    match: { kind: [exec], program: [npx, bunx, uvx, pnpx], notTags: [deferred] }
  - id: strict.package-dlx
    tier: 3
    reason: Downloads and runs a package that is not a dependency of the project. The strict profile has a human check it; add it to the project's dependencies instead.
    match: { kind: [exec], program: [npm, pnpm, yarn], args: '^(dlx|exec|x)\\b', notTags: [deferred] }
  - id: strict.package-run-python
    tier: 3
    reason: Downloads and runs a package that is not a dependency of the project. The strict profile has a human check it; add it to the project's dependencies instead.
    match: { kind: [exec], program: [pipx], args: '^run\\b', notTags: [deferred] }
  - id: strict.package-add
    tier: 3
    reason: Adds a new dependency, whose install scripts run with your rights. The strict profile has a human approve new dependencies.
    match: { kind: [exec], program: [npm, pnpm, yarn, bun, pip, pip3, uv, poetry, gem, cargo, go], args: '^(pip\\s+)?(i|in|install|add|get)\\b(?!.*\\s(-r|--requirement|-e|--editable|-c|--constraint)(\\s|=))(\\s+-\\S+)*\\s+[^-\\s.]', notTags: [deferred] }
  - id: strict.unknown-tool
    tier: 3
    reason: A tool agent-sre does not know. The strict profile has a human approve it; name it in a rule to tier it.
    match: { kind: [opaque], tags: [unknown-tool] }
  - id: strict.mcp-unknown
    tier: 3
    reason: An MCP tool whose effect agent-sre cannot tell from its name. The strict profile has a human approve it.
    match: { kind: [mcp], verb: [unknown] }
  - id: strict.secret-print
    tier: 3
    reason: Prints secrets (the environment or a credential file) into the transcript. The strict profile has a human approve it; print only the variable you need.
    match: { anyTags: [secret-print] }
`;
