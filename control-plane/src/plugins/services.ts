import fp from 'fastify-plugin';
import { AuthService } from '../services/accounts/auth-service.js';
import { FileService } from '../services/files/file-service.js';
import { ConsoleService } from '../services/consoles/console-service.js';
import { LogService } from '../services/logs/log-service.js';
import { WebappService } from '../services/webapps/webapp-service.js';
import type { WebappLifecycle } from '../services/webapps/lifecycle.js';
import { StoreOnlyLifecycle } from '../services/webapps/store-only-lifecycle.js';
import { DockerLifecycle } from '../services/webapps/docker-lifecycle.js';
import { Reconciler } from '../services/platform/reconciler.js';
import { UsersStore } from '../store/users-store.js';
import { ConsolesStore } from '../store/consoles-store.js';
import { RoutesVersion } from '../store/routes-version.js';
import type { ContainerRuntime } from '../runtime/index.js';
import { ingressLinkSocket, routesSnapshotFile } from '../domain/layout.js';
import { RouteRows } from '../store/route-rows.js';
import { RoutePublisher } from '../services/platform/route-publisher.js';
import { IngressLinks } from '../services/platform/ingress-links.js';
import { repairLayout } from '../services/platform/layout-repair.js';

export interface Services {
  auth: AuthService;
  webapps: WebappService;
  files: FileService;
  consoles: ConsoleService;
  logs: LogService;
  lifecycle: WebappLifecycle;
  /** Present when web apps run on a container engine. */
  reconciler: Reconciler | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/**
 * The services, wired once. With a container runtime, web apps run for real
 * and a reconciler keeps Docker in line with the database; without one
 * (`runtime: null`) the API keeps records only.
 */
export default fp<{ runtime: ContainerRuntime | null }>(
  async (app, { runtime }) => {
    const webapps = new WebappService(app.db, app.config);
    const routes = new RoutesVersion(app.db);
    // The router's view of the store, and its way to the api (both: the router never opens either itself).
    const publisher = new RoutePublisher(new RouteRows(app.db), routesSnapshotFile(app.config.dataDir), app.config.ingressUid, app.log.child({ component: 'routes' }));
    // Folders and sockets from an older layout (or a restore) first: the router must reach them.
    app.addHook('onReady', async () => repairLayout(app.config, new UsersStore(app.db).all(), webapps.store.all(), app.log));
    app.addHook('onReady', async () => publisher.start());
    app.addHook('onClose', async () => publisher.stop());
    const links = new IngressLinks(
      app.server,
      Array.from({ length: app.config.router.workers }, (_, i) => ingressLinkSocket(app.config.dataDir, i + 1)),
      app.config.ingressUid,
      app.log.child({ component: 'links' }),
    );
    app.addHook('onListen', async () => links.start());
    app.addHook('preClose', async () => links.stop());
    let lifecycle: WebappLifecycle = new StoreOnlyLifecycle(webapps.store, () => routes.bump());
    let reconciler: Reconciler | null = null;
    const consoles = new ConsoleService(app.config, app.instanceId, new ConsolesStore(app.db), new UsersStore(app.db), runtime, app.log.child({ component: 'consoles' }));
    app.addHook('onReady', async () => consoles.start());
    app.addHook('onClose', async () => consoles.shutdown());
    if (runtime) {
      const users = new UsersStore(app.db);
      const log = app.log.child({ component: 'runtime' });
      const docker = new DockerLifecycle(app.config, app.instanceId, webapps.store, users, runtime, log);
      docker.onRoutesChanged = () => routes.bump();
      reconciler = new Reconciler(app.config, app.instanceId, webapps.store, users, runtime, docker, log);
      reconciler.consoles = consoles;
      lifecycle = docker;
      app.addHook('onReady', async () => reconciler!.start());
      // Containers keep running when the api stops: apps never depend on it.
      app.addHook('onClose', async () => reconciler!.stop());
    }
    app.decorate('services', {
      auth: new AuthService(app.db, app.config),
      webapps,
      files: new FileService(app.config),
      consoles,
      logs: new LogService(app.config),
      lifecycle,
      reconciler,
    });
  },
  { name: 'services', dependencies: ['store'] },
);
