import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The deployment files cannot run here (no container runtime), so they are checked for what can
 * be checked offline: they parse, every command names an entry `npm run build` produces (which
 * tests/build.e2e.ts runs), probes and resources are there, and names refer to each other.
 */
const root = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(root + path, 'utf8');
/** tsconfig files: JSON with whole-line comments. */
const readJsonc = (path: string) => JSON.parse(read(path).replace(/^\s*\/\/.*$/gm, ''));

/** `apps/gateway/dist/index.js` is built from `apps/gateway/src/index.ts` by that workspace's build. */
function assertBuiltEntry(command: unknown) {
  expect(Array.isArray(command), `command ${JSON.stringify(command)}`).toBe(true);
  const [node, entry] = command as string[];
  expect(node).toBe('node');
  const match = /^(.+)\/dist\/(.+)\.js$/.exec(entry ?? '');
  expect(match, `${entry} is not a dist/ entry`).not.toBeNull();
  const [, workspace, file] = match!;
  if (workspace === 'scripts') {
    expect(readJsonc('scripts/tsconfig.build.json').include).toContain(`${file}.ts`);
    expect(existsSync(`${root}scripts/${file}.ts`)).toBe(true);
    return;
  }
  expect(existsSync(`${root}${workspace}/src/${file}.ts`), `${workspace}/src/${file}.ts`).toBe(true);
  const build = readJsonc(`${workspace}/tsconfig.build.json`);
  expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  expect(JSON.parse(read(`${workspace}/package.json`)).scripts.build).toContain('tsconfig.build.json');
}

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'));
  const stages = lines.filter((line) => line.startsWith('FROM '));
  const last = lines.slice(lines.lastIndexOf(stages.at(-1)!));

  it('builds in one stage and runs, as an unprivileged user, from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/ AS build$/);
    expect(last.some((line) => line.startsWith('COPY --from=build'))).toBe(true);
    const user = last.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    expect(lines.some((line) => /npm run build/.test(line))).toBe(true);
  });

  it('runs a built entry with plain node, workspaces resolved to their JavaScript', () => {
    expect(last.join('\n')).toMatch(/NODE_OPTIONS=--conditions=dist/);
    const cmd = last.find((line) => line.startsWith('CMD '))!;
    assertBuiltEntry(JSON.parse(cmd.slice(4)));
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, any>>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  const apps = Object.entries(services).filter(([, service]) => service['build']);

  it('runs every process of the system from the one image, each with a built entry', () => {
    expect(apps.map(([name]) => name).sort()).toEqual(
      ['calls', 'chats', 'gateway', 'media', 'migrate', 'presence', 'users', 'worker'].sort(),
    );
    for (const [, service] of apps) {
      expect(service['build'].dockerfile).toBe('Dockerfile');
      expect(existsSync(`${root}deploy/${service['build'].context}/Dockerfile`)).toBe(true);
      assertBuiltEntry(service['command']);
    }
  });

  it('uses pinned images for the rest, Redis with AOF, and coturn', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service['build']) continue;
      expect(service['image'], name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(service['image'], name).not.toMatch(/:latest$/);
    }
    expect(services['redis']!['command'].join(' ')).toMatch(/--appendonly yes/);
    expect(services['redis']!['command'].join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(services['coturn']!['image']).toMatch(/^coturn\/coturn:/);
    expect(services['postgres']!['image']).toMatch(/^postgres:/);
  });

  it('puts two gateway replicas behind nginx, WebSocket upgrades included', () => {
    expect(services['gateway']!['deploy'].replicas).toBeGreaterThanOrEqual(2);
    const lb = services['lb']!;
    expect(lb['image']).toMatch(/^nginx:/);
    const [config] = (lb['volumes'] as string[])[0]!.split(':');
    const nginx = read(`deploy/${config!.replace(/^\.\//, '')}`);
    expect(nginx).toMatch(new RegExp(`server gateway:${services['gateway']!['environment'].PORT}\\b`));
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(nginx).toMatch(/proxy_http_version 1\.1;/);
  });

  it('wires names and ports consistently, and waits for readiness', () => {
    for (const [name, service] of Object.entries(services))
      for (const dependency of Object.keys(service['depends_on'] ?? {}))
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
    const gatewayEnv = services['gateway']!['environment'] as Record<string, string>;
    for (const [key, url] of Object.entries(gatewayEnv).filter(([key]) => key.startsWith('SUBGRAPH_URL_'))) {
      const { hostname, port } = new URL(url);
      expect(services[hostname], key).toBeDefined();
      expect(services[hostname]!['environment'].PORT).toBe(port);
    }
    for (const [name, service] of apps) {
      if (!service['healthcheck']) continue;
      const [, node, probe, url] = service['healthcheck'].test as string[];
      expect([node, existsSync(`${root}${probe}`)], name).toEqual(['node', true]);
      expect(url, name).toBe(`http://127.0.0.1:${service['environment'].PORT}/ready`);
    }
    // Each process that signs internal identities has a key of its own; the others have none.
    const signers = ['calls', 'chats', 'gateway', 'presence', 'users', 'worker'];
    for (const [name, service] of apps) {
      const key = service['environment'].INTERNAL_SIGNING_KEY as string | undefined;
      if (signers.includes(name))
        expect(key, name).toMatch(new RegExp(`^\\$\\{${name.toUpperCase()}_SIGNING_KEY:`));
      else expect(key, name).toBeUndefined();
    }
  });

  it('names every variable it requires in deploy/.env.example', () => {
    const required = [...read('deploy/compose.yaml').matchAll(/\$\{(\w+):\?/g)].map((match) => match[1]);
    const example = read('deploy/.env.example');
    for (const name of new Set(required)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

describe('deploy/k8s', () => {
  const kustomization = parse(read('deploy/k8s/kustomization.yaml')) as { resources: string[] };
  const objects = kustomization.resources.flatMap((file) =>
    parseAllDocuments(read(`deploy/k8s/${file}`)).map((document) => {
      expect(document.errors, file).toEqual([]);
      return document.toJS() as { kind: string; metadata: { name: string }; spec: any; data?: any };
    }),
  );
  const secrets = parseAllDocuments(read('deploy/k8s/secrets.example.yaml')).map(
    (document) => document.toJS() as { kind: string; metadata: { name: string } },
  );
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const deployments = byKind('Deployment');
  const services = byKind('Service');

  it('lists every manifest but the secrets example in the kustomization', () => {
    const files = readdirSync(`${root}deploy/k8s`).filter((file) => file.endsWith('.yaml'));
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((file) => !['kustomization.yaml', 'secrets.example.yaml'].includes(file)).sort(),
    );
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      ['calls', 'chats', 'gateway', 'media', 'presence', 'users', 'worker'].sort(),
    );
  });

  it('runs built entries, with resource requests and a non-root user', () => {
    for (const workload of [...deployments, ...byKind('Job')]) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, workload.metadata.name).toBe(true);
      for (const container of pod.containers) {
        assertBuiltEntry(container.command);
        expect(container.resources.requests, workload.metadata.name).toMatchObject({
          cpu: expect.any(String),
          memory: expect.any(String),
        });
      }
    }
  });

  it('probes every served process: /live for liveness, /ready for readiness', () => {
    for (const deployment of deployments) {
      const served = services.some(
        (service) => service.spec.selector['app.kubernetes.io/name'] === deployment.metadata.name,
      );
      for (const container of deployment.spec.template.spec.containers) {
        const ports = (container.ports as { name: string }[]).map((port) => port.name);
        expect(container.livenessProbe, deployment.metadata.name).toBeDefined();
        if (!served) continue;
        expect(container.livenessProbe.httpGet).toMatchObject({ path: '/live' });
        expect(container.readinessProbe.httpGet).toMatchObject({ path: '/ready' });
        expect(ports).toContain(container.readinessProbe.httpGet.port);
        expect(ports).toContain(container.livenessProbe.httpGet.port);
      }
    }
  });

  it('gives the gateway time to drain: preStop, then sockets and requests in flight (10 s)', () => {
    const gateway = deployments.find((d) => d.metadata.name === 'gateway')!.spec.template.spec;
    const sleep = Number(gateway.containers[0].lifecycle.preStop.exec.command[1]);
    expect(gateway.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + 10 + 5);
  });

  it('autoscales the gateway Deployment, from two replicas', () => {
    const [hpa] = byKind('HorizontalPodAutoscaler');
    expect(hpa!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
  });

  it('refers only to things that exist: selectors, ports, config, secrets, volumes', () => {
    const containerPorts = (name: string) =>
      deployments
        .find((d) => d.spec.template.metadata.labels['app.kubernetes.io/name'] === name)
        ?.spec.template.spec.containers.flatMap((c: { ports: { name: string }[] }) =>
          c.ports.map((p) => p.name),
        );
    for (const service of services)
      for (const port of service.spec.ports)
        expect(
          containerPorts(service.spec.selector['app.kubernetes.io/name']),
          service.metadata.name,
        ).toContain(port.targetPort);
    const configMaps = byKind('ConfigMap').map((c) => c.metadata.name);
    const secretNames = secrets.map((s) => s.metadata.name);
    const claims = byKind('PersistentVolumeClaim').map((c) => c.metadata.name);
    for (const workload of [...deployments, ...byKind('Job')]) {
      const pod = workload.spec.template.spec;
      for (const container of pod.containers)
        for (const source of container.envFrom) {
          if (source.configMapRef) expect(configMaps).toContain(source.configMapRef.name);
          if (source.secretRef) expect(secretNames).toContain(source.secretRef.name);
        }
      for (const volume of pod.volumes ?? [])
        expect(claims).toContain(volume.persistentVolumeClaim.claimName);
    }
    const config = byKind('ConfigMap')[0]!.data as Record<string, string>;
    for (const [key, url] of Object.entries(config).filter(([key]) => /^SUBGRAPH_URL_|_RPC_URL$/.test(key))) {
      const { hostname, port } = new URL(url);
      const service = services.find((s) => s.metadata.name === hostname);
      expect(service, key).toBeDefined();
      expect(service!.spec.ports.map((p: { port: number }) => String(p.port))).toContain(port);
    }
    for (const ingress of byKind('Ingress'))
      for (const rule of ingress.spec.rules)
        for (const path of rule.http.paths) {
          const service = services.find((s) => s.metadata.name === path.backend.service.name);
          expect(service, path.path).toBeDefined();
          expect(service!.spec.ports.map((p: { name: string }) => p.name)).toContain(
            path.backend.service.port.name,
          );
        }
    // A signing key is its process's alone: switchboard-<name> reaches Deployment <name> only.
    const signingSecrets = secrets
      .filter((secret) => 'INTERNAL_SIGNING_KEY' in ((secret as { stringData?: object }).stringData ?? {}))
      .map((secret) => secret.metadata.name);
    expect(signingSecrets.sort()).toEqual(
      ['calls', 'chats', 'gateway', 'presence', 'users', 'worker'].map((n) => `switchboard-${n}`),
    );
    for (const deployment of deployments) {
      const refs: string[] = deployment.spec.template.spec.containers.flatMap((c: { envFrom: any[] }) =>
        c.envFrom.map((source) => source.secretRef?.name),
      );
      for (const secret of signingSecrets)
        expect(refs.includes(secret), `${deployment.metadata.name} and ${secret}`).toBe(
          secret === `switchboard-${deployment.metadata.name}`,
        );
    }
  });
});
