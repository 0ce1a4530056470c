import { describe, expect, it } from '@jest/globals';
import { databaseNameProblem, databaseOwnerProblem } from '../../../constructs/database/database-names.js';

const IDENTIFIER = 'must be a lowercase SQL identifier (letters, digits, "_"; not starting with a digit)';

describe('the application database and its owner', () => {
  it('takes lowercase identifiers of at most 63 characters', () => {
    for (const name of ['mcp', '_mcp2', 'registry', 'a'.repeat(63)]) {
      expect(databaseNameProblem(name)).toBeUndefined();
      expect(databaseOwnerProblem(name)).toBeUndefined();
    }
    for (const name of ['1mcp', 'Mcp', 'mcp-db', '', 'a'.repeat(64)]) {
      expect(databaseNameProblem(name)).toBe(IDENTIFIER);
      expect(databaseOwnerProblem(name)).toBe(IDENTIFIER);
    }
  });

  it('refuses a database every instance already has', () => {
    for (const name of ['postgres', 'template0', 'template1']) {
      expect(databaseNameProblem(name)).toBe(
        'is a database every PostgreSQL instance already has: CloudNativePG would not create it for the owner, who then could not create the registry\'s tables in it; use a database of its own such as "mcp"',
      );
    }
    expect(databaseNameProblem('postgres2')).toBeUndefined();
  });

  it('refuses the roles CloudNativePG and PostgreSQL keep, each with its own reason', () => {
    expect(databaseOwnerProblem('postgres')).toBe('is the superuser: the discovery service would connect with full rights over the instance; use a role of its own such as "mcp"');
    expect(databaseOwnerProblem('streaming_replica')).toBe('is the role CloudNativePG replicates with; use a role of its own such as "mcp"');
    expect(databaseOwnerProblem('cnpg_app')).toBe('starts with "cnpg_", which CloudNativePG reserves for its own roles; use a role of its own such as "mcp"');
    expect(databaseOwnerProblem('pg_app')).toBe('starts with "pg_", which PostgreSQL reserves (CREATE ROLE refuses it); use a role of its own such as "mcp"');
    for (const owner of ['postgresql', 'cnpg', 'pg', 'app_pg_', 'replica']) expect(databaseOwnerProblem(owner)).toBeUndefined();
  });
});
