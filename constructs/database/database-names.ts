/*
 * The application database and its owner, as CloudNativePG's initdb bootstrap creates them. Kept apart from
 * PgvectorDatabase so the config can check them without loading the CloudNativePG imports.
 */

/** A lowercase PostgreSQL identifier CloudNativePG passes unquoted-equivalent (at most 63 bytes, NAMEDATALEN - 1). */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const SQL_IDENTIFIER_MESSAGE = 'must be a lowercase SQL identifier (letters, digits, "_"; not starting with a digit)';

/**
 * Databases every PostgreSQL instance already has: CloudNativePG's initdb bootstrap skips an existing database
 * (pkg/management/postgres/initdb.go `ConfigureNewInstance`, at a95a534), so the owner would not own it and
 * could not create the registry's tables in its public schema.
 */
const EXISTING_DATABASES = ['postgres', 'template0', 'template1'];

/** Why `database` cannot be the application database, or undefined. */
export function databaseNameProblem(database: string): string | undefined {
  if (!SQL_IDENTIFIER.test(database)) return SQL_IDENTIFIER_MESSAGE;
  if (EXISTING_DATABASES.includes(database)) {
    return 'is a database every PostgreSQL instance already has: CloudNativePG would not create it for the owner, who then could not create the registry\'s tables in it; use a database of its own such as "mcp"';
  }
  return undefined;
}

/**
 * Why `owner` cannot be the application role, or undefined: CloudNativePG keeps "postgres" (the superuser) and
 * "streaming_replica" and the "cnpg_" prefix (pkg/postgres/roles.go `IsRoleReserved`, at a95a534), and PostgreSQL
 * refuses role names starting with "pg_" ("role name ... is reserved").
 */
export function databaseOwnerProblem(owner: string): string | undefined {
  if (!SQL_IDENTIFIER.test(owner)) return SQL_IDENTIFIER_MESSAGE;
  if (owner === 'postgres') return 'is the superuser: the discovery service would connect with full rights over the instance; use a role of its own such as "mcp"';
  if (owner === 'streaming_replica') return 'is the role CloudNativePG replicates with; use a role of its own such as "mcp"';
  if (owner.startsWith('cnpg_')) return 'starts with "cnpg_", which CloudNativePG reserves for its own roles; use a role of its own such as "mcp"';
  if (owner.startsWith('pg_')) return 'starts with "pg_", which PostgreSQL reserves (CREATE ROLE refuses it); use a role of its own such as "mcp"';
  return undefined;
}
