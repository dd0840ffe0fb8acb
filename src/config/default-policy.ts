// The embedded default policy. Kept as YAML text so `agent-sre policy` can print exactly what runs,
// and so the same text is what users read in docs/policy.md terms. Rule ids are stable: projects
// refer to them under `disabled:`.
export const DEFAULT_POLICY_YAML = `# agent-sre default policy (embedded). Rules match effects, not tool names.
version: 1
rules:
  # ---- disks and devices ------------------------------------------------------------------
  - id: device.format
    tier: 4
    reason: Formatting or partitioning a disk destroys everything on it.
    match: { kind: [write], tags: [disk-format], zone: [device, system, root] }
  - id: device.format-unknown
    tier: 3
    reason: A disk formatting tool whose target is only known at run time. A human checks it.
    match: { kind: [write, opaque], tags: [disk-format] }
  - id: process.fork-bomb
    tier: 4
    reason: A fork bomb exhausts the machine.
    match: { kind: [opaque], tags: [forkbomb] }

  # ---- git ---------------------------------------------------------------------------------
  - id: git.discard-work
    tier: 4
    reason: This throws away uncommitted work and cannot be undone. Commit or stash (git stash push) first, or ask the human.
    match: { kind: [exec], tags: [git.discard] }
  - id: git.rewrite-history
    tier: 4
    reason: This rewrites or prunes history that may not exist anywhere else. Ask the human.
    match: { kind: [exec], tags: [git.rewrite-history] }
  - id: git.force-push-protected
    tier: 4
    reason: Force-pushing a default or protected branch destroys shared history. Push to a feature branch and open a pull request.
    match: { kind: [exec], tags: [git.force-push, git.protected-branch] }
  - id: git.delete-protected
    tier: 4
    reason: Deleting or resetting a default or protected branch. Ask the human.
    match: { kind: [exec], anyTags: [git.delete-protected, git.rewrite-protected] }
  - id: git.push-protected
    tier: 3
    reason: Pushing straight to a default or protected branch. A human approves it, or push a feature branch instead.
    match: { kind: [exec], tags: [git.push, git.protected-branch] }
  - id: git.force-push
    tier: 3
    reason: Force push. Prefer --force-with-lease on your own feature branch; a human approves this one.
    match: { kind: [exec], tags: [git.force-push] }
  - id: git.delete-remote-branch
    tier: 3
    reason: Deleting a remote branch. A human approves it.
    match: { kind: [exec], tags: [git.delete-remote-branch] }
  - id: git.shell-alias
    tier: 3
    reason: A git alias that runs a shell command. A human checks what it runs.
    match: { kind: [exec], tags: [git.shell-alias] }
  - id: git.hooks-config
    tier: 3
    reason: Changing which git hooks run. A human approves it.
    match: { kind: [exec], tags: [git.hooks] }
  # -- local history and work (issue 12, class 5) --
  - id: git.delete-history
    tier: 4
    reason: Deleting the repository's .git directory (or its objects, refs or reflogs) destroys every commit, branch and stash not pushed elsewhere. To start over, use a new branch (git switch --orphan), or ask the human.
    match: { kind: [delete], tags: [git-history], notTags: [move] }
  - id: git.force-delete-branch
    tier: 3
    reason: Force-deleting a branch (-D, --delete --force) drops its commits even when they are merged nowhere. Use git branch -d, which refuses unmerged work, or a human approves this one.
    match: { kind: [exec], tags: [git.delete-branch] }
  - id: git.skip-hooks
    tier: 3
    reason: This skips the repository's git hooks (--no-verify, -n, HUSKY=0, SKIP=). Let the hooks run and fix what they report, or a human approves skipping them.
    match: { kind: [exec], tags: [git.no-verify] }

  # ---- destructive file-system work -------------------------------------------------------
  - id: fs.delete-outside-project
    tier: 4
    reason: Recursive or forced delete outside the project and temp dirs. Delete only inside the project, or ask the human to run it.
    match: { kind: [delete], zone: [home, system, root, outside, device], anyTags: [recursive, force], notTags: [unknown-path] }
  - id: fs.delete-system
    tier: 4
    reason: Deleting system files. Nothing in a coding task needs this; stop and ask the human.
    match: { kind: [delete], zone: [system, root, device] }
  - id: fs.delete-unknown-target
    tier: 3
    reason: A recursive or forced delete whose target is only known at run time. A human checks it.
    match: { kind: [delete], tags: [unknown-path], anyTags: [recursive, force] }
  - id: fs.delete-outside-plain
    tier: 3
    reason: Deleting a file outside the project. A human checks it.
    match: { kind: [delete], zone: [home, outside], notTags: [unknown-path] }
  - id: fs.write-system
    tier: 4
    reason: Writing to system files or devices. Keep changes inside the project.
    match: { kind: [write], zone: [system, root, device] }
  - id: fs.write-outside-project
    tier: 3
    reason: Writing outside the project. A human checks it.
    match: { kind: [write], zone: [home, outside], notTags: [unknown-path] }
  - id: fs.recursive-perm-root
    tier: 4
    reason: Recursive permission or owner change on a system root or the home directory.
    match: { kind: [write], tags: [perm, recursive], zone: [root, system] }
  - id: fs.recursive-perm-home
    tier: 4
    reason: Recursive permission or owner change on the home directory.
    match: { kind: [write], tags: [perm, recursive], path: ["~", "~/"] }

  # ---- the guard itself -------------------------------------------------------------------
  - id: guard.secret
    tier: 4
    reason: agent-sre's per-user directory holds the secret that tells a human's answer from the agent's. No tool call may read, write or name it.
    match: { kind: [read, write, delete, exec], tags: [guard-secret] }
  - id: guard.tamper
    tier: 4
    reason: agent-sre's policy, settings and ledger are off limits to the agent. Ask the human to change them.
    match: { kind: [write, delete, exec], tags: [guard] }
  - id: guard.tamper-parent
    tier: 4
    reason: Deleting or moving this would take agent-sre's policy, settings or ledger with it. Delete something narrower.
    match: { kind: [delete], tags: [guard-ancestor] }
  - id: guard.write-into-parent
    tier: 3
    reason: This writes a whole tree (an archive, a recursive copy) into a directory that holds agent-sre's policy, settings or ledger, and could replace them. Extract or copy into a subdirectory, or a human approves it.
    match: { kind: [write], tags: [recursive, guard-ancestor], notTags: [perm] }
  - id: guard.signal-broad
    tier: 3
    reason: This signals every node process (or every process of yours), agent-sre's own daemon with them. Name the process you mean (pkill -f vite), or a human approves it.
    match: { kind: [exec], tags: [guard-signal-broad] }
  - id: guard.server
    tier: 4
    reason: agent-sre's own server takes hook events from Claude Code and answers from humans; the agent may not call it. Tell the human what you need.
    match: { kind: [net], tags: [guard] }
  - id: guard.self-answer
    tier: 4
    reason: Acknowledging, resolving, approving or denying pages, changing who is on call, resuming a session, accepting a damaged ledger, trusting changed agent-sre code, accepting a new golden-eval baseline and running agent-sre's server (its dashboard answers gates) are for humans. Tell the human what you need and wait.
    match:
      kind: [exec]
      program: [agent-sre, node, nodejs, npx, bunx, pnpm, yarn, bun]
      args: '(^|agent-sre([.]c?js)? +)(ack|mitigate|resolve|approve|deny|trust|serve|oncall +override|session +resume|ledger +accept|golden +baseline)( |$)'
  - id: guard.runbook-edit
    tier: 3
    reason: AGENTS.md and CLAUDE.md are the runbook this session is bound to; a change to them changes the rules the agent works under, so a human approves it.
    match: { kind: [write, delete], zone: [project], path: ["**/AGENTS.md", "**/CLAUDE.md", "**/CLAUDE.local.md"] }

  # ---- production infrastructure and data ---------------------------------------------------
  - id: infra.destroy
    tier: 4
    reason: Destroys infrastructure or data through a cloud, cluster or platform CLI. Ask the human to run it if it is really wanted.
    match: { kind: [exec], tags: [infra.destroy], notTags: [infra.local] }
  - id: db.destroy-remote
    tier: 4
    reason: Destructive statement (DROP, TRUNCATE, unqualified DELETE, FLUSHALL) against a database that is not local.
    match: { kind: [exec], tags: [db.destroy], notTags: [db.local] }
  - id: db.destroy-local
    tier: 2
    reason: A destructive statement against a local database. Logged; local databases are for development.
    match: { kind: [exec], tags: [db.destroy, db.local] }
  # ---- database resets and production data (issue 12, class 6; docs/policy.md) -------------
  - id: db.destroy-production
    tier: 4
    reason: A destructive statement (DROP, TRUNCATE, DELETE or UPDATE without WHERE) against a database whose name says production, wherever it is reached from (a tunnel to production is localhost too). Add a WHERE clause, work on a development copy, or ask the human to run it.
    match: { kind: [exec, mcp], tags: [db.destroy, db.production] }
  - id: db.reset-production
    tier: 4
    reason: Resets, drops or flushes a production or remote database through a framework or migration tool. Run it against your development database, or ask the human.
    match: { kind: [exec], tags: [db.reset], anyTags: [db.production, db.remote], notTags: [db.test] }
  - id: db.reset
    tier: 3
    reason: Wipes the database the project's configuration points at (reset, drop, flush, downgrade to base, schema load, unseen SQL). Its data is gone afterwards, and the target comes from .env or config files agent-sre does not read. A human approves it; against a test database (RAILS_ENV=test, a *_test URL) it is not gated.
    match: { kind: [exec], tags: [db.reset], notTags: [db.test] }
  - id: db.destroy-mcp
    tier: 4
    reason: The SQL this MCP tool carries destroys data (DROP, TRUNCATE, DELETE or UPDATE without WHERE) in a database agent-sre cannot locate. Add a WHERE clause that names the rows, or ask the human to run it.
    match: { kind: [mcp], tags: [db.destroy] }
  - id: registry.destroy
    tier: 4
    reason: Unpublishing or yanking from a package registry breaks everyone who depends on it.
    match: { kind: [exec], tags: [registry.destroy] }
  - id: repo.destroy
    tier: 4
    reason: Deletes a repository, release or other repo-hosting data.
    match: { kind: [exec], tags: [repo.destroy] }
  - id: infra.change
    tier: 3
    reason: A production change through an infrastructure CLI. A human approves it.
    match: { kind: [exec], tags: [infra.change], notTags: [infra.local] }
  - id: registry.publish
    tier: 3
    reason: Publishing a package or image. A human approves it.
    match: { kind: [exec], tags: [registry.publish] }
  - id: repo.change
    tier: 3
    reason: Merging, releasing or changing repository settings. A human approves it.
    match: { kind: [exec], tags: [repo.write], program: [gh, glab], args: "^((-R|--repo|--hostname)[ =][^ ]+ )*(pr (merge|close|ready)|release (create|edit|upload)|repo (edit|rename|archive|transfer)|secret|variable|workflow (run|enable|disable)|api)" }

  # ---- credentials ----------------------------------------------------------------------
  - id: cred.read
    tier: 4
    reason: Reading credentials. Secrets must not enter the agent's context; use the tool that needs them without printing them.
    match: { kind: [read], tags: [credential] }
  - id: cred.read-command
    tier: 4
    reason: This prints or exports a secret. Secrets must not enter the agent's context.
    match: { kind: [exec], tags: [cred.read] }
  - id: cred.write
    tier: 4
    reason: Writing credential files outside the project. Credential changes are for humans.
    match: { kind: [write, delete], tags: [credential], zone: [home, system, root, outside] }
  - id: cred.write-env
    tier: 4
    reason: Writing a .env file that may hold secrets. Write .env.example instead and let a human fill in .env.
    match: { kind: [write, delete], tags: [credential], path: ["**/.env", "**/.env.*"] }
  - id: cred.manage
    tier: 4
    reason: Credential management (login, tokens, keys, secrets) is for humans.
    match: { kind: [exec], tags: [cred.manage] }

  # ---- remote code execution and exfiltration ------------------------------------------------
  - id: exec.remote-code
    tier: 4
    reason: Runs code fetched from the network or decoded at run time without anyone seeing it. Download it to a file, read it, then run it.
    match: { kind: [opaque], tags: [rce] }
  - id: net.secret-in-url
    tier: 4
    reason: The URL carries a secret (token, key or password). That is exfiltration.
    match: { kind: [net], tags: [secret-in-url] }
  - id: net.external-write
    tier: 3
    reason: A write call to an external API. A human approves it.
    match: { kind: [net], method: [POST, PUT, PATCH, DELETE], notTags: [local] }
  - id: net.ssh
    tier: 3
    reason: Opens a shell or copies files to another host. A human approves it.
    match: { kind: [net], tags: [ssh] }
  - id: net.raw-socket
    tier: 3
    reason: A raw network connection to another host. A human approves it.
    match: { kind: [net], tags: [raw-socket], notTags: [local] }

  # ---- containers, remote shells and secrets leaving (issue 12, classes 3 and 7; docs/policy.md) --
  - id: net.secret-exfil
    tier: 4
    reason: This sends secrets (the environment, a credential file, or output made from them) to another host. That is exfiltration. Send only the fields the API needs, and never the environment.
    match: { kind: [net], tags: [secret-exfil], notTags: [local] }
  - id: net.secret-var-in-url
    tier: 3
    reason: The URL carries a secret variable (a token, key or password) to another host, whose logs keep it. Send it in a header (-H "Authorization - Bearer ...") if the API takes one, or a human approves it.
    match: { kind: [net], tags: [secret-var-in-url], notTags: [local] }
  - id: db.destroy-on-remote-host
    tier: 4
    reason: A destructive statement (DROP, TRUNCATE, unqualified DELETE) run inside a pod or on another host, where the local database is that host's, production's as likely as not. Ask the human to run it.
    match: { kind: [exec], tags: [db.destroy, remote] }
  - id: container.host-root
    tier: 3
    reason: This container or session gets root on the host (--privileged, --pid=host, a dangerous --cap-add or --device, a mount of / or a system directory or the Docker socket, nsenter into pid 1, a node debug pod). Run it without that access, or a human approves it.
    match: { kind: [exec], tags: [container.host-root] }
  - id: container.remove-all
    tier: 3
    reason: This removes every container or image on the machine (a listing of all of them fed to rm, or prune --all), other projects' included. Name the containers you mean, or filter the listing (--filter label=...), or a human approves it.
    match: { kind: [exec], tags: [container.remove-all] }
  - id: remote.write
    tier: 3
    reason: Writes or deletes files inside a pod or on another host (kubectl exec, ssh). A human approves changes to a running system.
    match: { kind: [write, delete], tags: [remote], zone: [project, home, system, root, outside, device] }
  - id: remote.unread-code
    tier: 3
    reason: Runs a script inside a pod or on another host that agent-sre cannot read. A human approves it.
    match: { kind: [exec], tags: [remote, unread-script] }
  - id: secret.print-named
    tier: 3
    reason: This prints a secret (a token, key or password variable) into the transcript, where it is logged and sent to the model. Check that it is set without printing it ([ -n "$VAR" ] && echo set), or use it directly in the command that needs it.
    match: { kind: [read], tags: [secret-print, secret-named] }
  - id: secret.print-environment
    tier: 2
    reason: Prints the environment, which may hold secrets, into the transcript. Logged as a secret read; the strict profile gates it. Print only the variables you need (printenv NODE_ENV).
    match: { anyTags: [secret-print] }
  # ---- persistence, CI and hooks -------------------------------------------------------------
  - id: persist.write
    tier: 4
    reason: Installs something that runs later on its own (shell rc, crontab, authorized_keys, sudoers, services).
    match: { kind: [write, delete], tags: [persistence] }
  - id: persist.service
    tier: 3
    reason: Enables or changes a system service. A human approves it.
    match: { kind: [exec], tags: [persistence] }
  - id: ci.edit
    tier: 3
    reason: Changes CI configuration. A human reviews it.
    match: { kind: [write, delete], tags: [ci] }
  - id: git-hook.edit
    tier: 3
    reason: Changes git hooks, which run on every commit or push. A human reviews it.
    match: { kind: [write, delete], tags: [git-hook] }

  # ---- privilege and indirection -------------------------------------------------------------
  - id: exec.privileged
    tier: 3
    reason: Runs with elevated privileges (sudo). A human approves it.
    match: { anyTags: [privileged] }
  - id: registry.custom-source
    tier: 3
    reason: Installs packages from a registry other than the default one. A human checks the source.
    match: { kind: [exec], tags: [registry.custom] }
  # ---- package managers and build tools (issue 12, class 2; docs/policy.md) ----------------
  - id: install.remote-source
    tier: 3
    reason: Installs or runs code from a URL, a git remote or a tarball downloaded on this line, which no registry vetted. A human checks the source; install the published package by name if there is one.
    match: { kind: [exec], tags: [install.remote] }
  - id: exec.changed-script
    tier: 3
    reason: Runs package or build scripts that an earlier command on this line changed in a way agent-sre cannot read. Make the change on its own (an Edit, or npm pkg set with the literal text), then run the script in a separate call.
    match: { kind: [opaque], tags: [script-changed] }
  - id: exec.env-hijack
    tier: 3
    reason: Sets a variable that injects code into every program it starts (LD_PRELOAD, BASH_ENV).
    match: { kind: [exec], tags: [env-hijack] }
  - id: mcp.write
    tier: 3
    reason: An MCP tool that writes or deletes in an external system. A human approves it.
    match: { kind: [mcp], verb: [write, delete] }
`;
