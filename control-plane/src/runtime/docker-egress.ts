// Keeps the instance's egress proxy container and its network on a local
// Docker Engine (docs/egress.md). Found by labels, never by name guessing;
// replaced whole when what it runs with changed.
import type Docker from 'dockerode';
import { engineMessage, statusCodeOf, toRuntimeError } from './docker-errors.js';
import {
  buildEgressProxyOptions, egressNetworkName, egressProxyLabels, LABEL_EGRESS_CONFIG, type EgressProxyRuntime, type EgressProxySpec,
} from './egress-proxy-spec.js';

const labelFilter = (instance: string): string[] => Object.entries(egressProxyLabels(instance)).map(([k, v]) => `${k}=${v}`);

export class DockerEgressProxy implements EgressProxyRuntime {
  constructor(private readonly docker: Docker) {}

  async find(instance: string): Promise<string | null> {
    return (await this.proxies(instance))[0]?.Id ?? null;
  }

  async ensure(spec: EgressProxySpec): Promise<'kept' | 'started'> {
    const image = await this.docker.getImage(spec.image).inspect().catch((err: unknown) => {
      throw toRuntimeError(`inspect the egress proxy's image ${spec.image} (build it with scripts/build-egress-image.sh)`, err, { 404: 'image_not_found' });
    });
    const running = await this.proxies(spec.instance);
    // A rebuilt image is a change too: the proxy must run the new one.
    const current = running.find((c) => c.State === 'running' && c.Labels[LABEL_EGRESS_CONFIG] === spec.configHash && c.ImageID === image.Id);
    if (current && running.length === 1) return 'kept';
    for (const c of running) await this.removeContainer(c.Id);
    await this.ensureNetwork(spec.instance);
    try {
      const container = await this.docker.createContainer(buildEgressProxyOptions(spec));
      await container.start();
    } catch (err) {
      throw toRuntimeError(`start the egress proxy ${spec.instance}`, err);
    }
    return 'started';
  }

  async remove(instance: string): Promise<void> {
    for (const c of await this.proxies(instance)) await this.removeContainer(c.Id);
    try {
      await this.docker.getNetwork(egressNetworkName(instance)).remove();
    } catch (err) {
      if (statusCodeOf(err) !== 404) throw toRuntimeError(`remove the network ${egressNetworkName(instance)}`, err);
    }
  }

  private async proxies(instance: string): Promise<Docker.ContainerInfo[]> {
    try {
      return await this.docker.listContainers({ all: true, filters: { label: labelFilter(instance) } });
    } catch (err) {
      throw toRuntimeError(`list the egress proxy of ${instance}`, err);
    }
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 404 || (status === 409 && /already in progress/i.test(engineMessage(err)))) return;
      throw toRuntimeError(`remove the egress proxy ${id}`, err);
    }
  }

  /** A user-defined bridge: Docker's embedded DNS answers squid's lookups there (the default bridge has none). */
  private async ensureNetwork(instance: string): Promise<void> {
    const name = egressNetworkName(instance);
    try {
      await this.docker.getNetwork(name).inspect();
      return;
    } catch (err) {
      if (statusCodeOf(err) !== 404) throw toRuntimeError(`inspect the network ${name}`, err);
    }
    try {
      await this.docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: egressProxyLabels(instance) });
    } catch (err) {
      if (statusCodeOf(err) !== 409) throw toRuntimeError(`create the network ${name}`, err);
    }
  }
}
