import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { databaseFile } from '../domain/layout.js';
import { preparePlatformDirs } from '../lib/platform-dirs.js';
import { instanceId, openDatabase, type Db } from '../store/database.js';
import { openStores, type Stores } from '../store/stores.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    stores: Stores;
    /** This data directory's instance id, on every container label. */
    instanceId: string;
  }
}

/** Opens the SQLite store for the configured data directory and closes it with the app. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    // The folders' owners and modes first: the router (its own uid) finds its way by them.
    preparePlatformDirs(config.dataDir, config.ingressUid);
    const db = openDatabase(databaseFile(config.dataDir));
    app.decorate('config', config);
    app.decorate('db', db);
    app.decorate('stores', openStores(db));
    app.decorate('instanceId', instanceId(db));
    app.addHook('onClose', async () => {
      db.close();
    });
  },
  { name: 'store' },
);
