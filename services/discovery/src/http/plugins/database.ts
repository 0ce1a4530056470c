/** PostgreSQL (or the embedded PGlite), migrated, as `app.registry`; the pool closes with the app. */
import fp from 'fastify-plugin';
import { openDatabase } from '../../registry/database.js';
import { Registry } from '../../registry/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    registry: Registry;
  }
}

export interface DatabasePluginOptions {
  /** @default an embedded PostgreSQL under stateDir */
  readonly url?: string;
  readonly stateDir: string;
}

export default fp<DatabasePluginOptions>(
  async (app, options) => {
    const database = await openDatabase({ url: options.url, stateDir: options.stateDir, log: app.log });
    app.decorate('registry', new Registry(database.pool));
    app.addHook('onClose', async () => database.close());
  },
  { name: 'database' },
);
