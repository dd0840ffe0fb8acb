// SQL carried by MCP tools (issue 12): `mcp__postgres__query {sql}`, `mcp__supabase__execute_sql
// {query}`, `mcp__neon__run_sql {params: {sql}}`. The statements are judged with the classifier the
// SQL clients use, not the verb in the tool's name: `read_query` carrying `DROP TABLE` destroys data,
// `execute_sql` carrying a SELECT reads.
import type { McpEffect } from '../types.ts';
import { classifySql, namesProduction, SQL_DESTROY, SQL_WRITE, sqlReadOnly } from './recognize/sql.ts';

// A server or tool that talks to a database. `sql` anywhere (`mysql`, `run_sql`, `postgresql`), a
// database word, or a name ending in `db` (`mongodb`, `duckdb`, `appdb`).
const DB_TOOL_RE =
  /sql|(?:^|[^a-z])(?:pg|postgres\w*|maria\w*|sqlite\w*|db|database\w*|supabase|neon|planetscale|turso|bigquery|bq|snowflake|clickhouse|duckdb|redshift|oracle|cockroach\w*|timescale\w*|athena|trino|presto|databricks|spanner|alloydb|d1|warehouse|dbt|hasura)(?:[^a-z]|$)|[a-z]db(?:[^a-z]|$)/i;
// Arguments that hold statements on a database tool; on any other tool only a key naming SQL counts,
// so a search box (`mcp__github__search_code {query: "DROP TABLE"}`) stays data.
const SQL_KEY_RE = /sql|query|queries|statement|stmt|command|script|^q$/i;
const SQL_ONLY_KEY_RE = /sql/i;
// Arguments that pick the database or environment.
const TARGET_KEY_RE = /database|^db|project|env|branch|connection|dsn|url|host|instance|schema|cluster/i;

const MAX_DEPTH = 5;
const MAX_STRINGS = 200;

interface Found {
  sql: string[];
  targets: string[];
}

function walk(
  v: unknown,
  sqlKey: RegExp,
  inSql: boolean,
  inTarget: boolean,
  out: Found,
  depth: number,
): void {
  if (out.sql.length + out.targets.length >= MAX_STRINGS) return;
  if (typeof v === 'string') {
    if (inSql) out.sql.push(v);
    else if (inTarget) out.targets.push(v);
    return;
  }
  if (depth >= MAX_DEPTH || !v || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) walk(x, sqlKey, inSql, inTarget, out, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v))
    walk(x, sqlKey, inSql || sqlKey.test(k), inTarget || TARGET_KEY_RE.test(k), out, depth + 1);
}

/**
 * The MCP effect with what its SQL does: destruction adds `db.destroy` (and the verb becomes
 * `delete`), a write raises a read or unknown verb to `write`, and a database tool whose every
 * statement reads becomes a read. A server, tool or argument naming production adds `db.production`.
 */
export function judgeMcpSql(mcp: McpEffect, input: Record<string, unknown>): McpEffect {
  const dbTool = DB_TOOL_RE.test(mcp.server) || DB_TOOL_RE.test(mcp.tool);
  const found: Found = { sql: [], targets: [] };
  walk(input, dbTool ? SQL_KEY_RE : SQL_ONLY_KEY_RE, false, false, found, 0);
  const sql = found.sql.filter((s) => s.trim() !== '');
  // A document store's delete with an empty filter (`delete_many {filter: {}}`) matches every document.
  if (sql.length === 0) return dbTool && mcp.verb === 'delete' && emptyFilter(input) ? withDestroy(mcp) : mcp;
  let flags = 0;
  for (const s of sql) flags |= classifySql(s);
  const tags = [...mcp.tags];
  let verb = mcp.verb;
  if (flags & SQL_DESTROY) {
    tags.push('db.destroy');
    verb = 'delete';
  } else if (flags & SQL_WRITE) {
    if (verb === 'read' || verb === 'unknown') verb = 'write';
  } else if (dbTool && verb !== 'delete' && sql.every(sqlReadOnly)) verb = 'read';
  if (namesProduction(mcp.server) || namesProduction(mcp.tool) || found.targets.some(namesProduction))
    tags.push('db.production');
  if (verb === mcp.verb && tags.length === mcp.tags.length) return mcp;
  const verbTag = tags.indexOf(`mcp.${mcp.verb}`);
  if (verbTag >= 0) tags[verbTag] = `mcp.${verb}`;
  return { ...mcp, verb, tags };
}

const FILTER_KEY_RE = /^(?:filter|query|where|selector|criteria)$/i;

function emptyFilter(input: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(input))
    if (
      FILTER_KEY_RE.test(k) &&
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).length === 0
    )
      return true;
  return false;
}

function withDestroy(mcp: McpEffect): McpEffect {
  return { ...mcp, tags: [...mcp.tags, 'db.destroy'] };
}
