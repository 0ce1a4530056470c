/** PostgreSQL with pgvector through CloudNativePG. */
export { PgvectorDatabase, type CnpgOperatorRef, type DatabaseBackup, type DatabasePooler, type DatabaseStorage, type PgvectorDatabaseProps } from './pgvector-database.js';
