import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Container, Pod, Volume } from '../../shared/core-types.ts'
import type { ConfigMap, Secret } from './env-api-objects.ts'
import { writeAtomically } from './volume-atomic-writer.ts'
import { placeholderToken } from './volume-payloads.ts'
import { materializeVolumes, VolumeSetupError, type VolumeSources } from './volumes.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

let root: string
let podDir: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubeling-volumes-'))
  podDir = join(root, 'pods', 'uid-1')
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

function pod(volumes: Volume[], containers: Container[] = [{ name: 'c' }]): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-1', labels: { app: 'web' }, annotations: { a: '1' } },
    spec: { serviceAccountName: 'builder', volumes, containers },
  }
}

function sources(store: { configMaps?: ConfigMap[]; secrets?: Secret[] } = {}): VolumeSources & { store: typeof store } {
  const find = <T extends { metadata: { namespace?: string; name?: string } }>(list: T[] | undefined, ns: string, name: string) =>
    list?.find((o) => o.metadata.namespace === ns && o.metadata.name === name)
  return {
    store,
    configMap: async (ns, name) => find(store.configMaps, ns, name),
    secret: async (ns, name) => find(store.secrets, ns, name),
    nodeAllocatable: { cpu: '2', memory: '4Gi' },
  }
}

const options = () => ({ rootDir: root })
const cm = (name: string, data: Record<string, string>, binaryData?: Record<string, string>): ConfigMap => ({ metadata: { namespace: 'shop', name }, data, binaryData })
const mode = async (path: string) => (await stat(path)).mode & 0o777

async function setupError(promise: Promise<unknown>): Promise<VolumeSetupError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof VolumeSetupError) return err
    throw err
  }
  throw new Error('expected a VolumeSetupError')
}

describe('materializeVolumes', () => {
  it('makes emptyDir and persistentVolumeClaim directories where documented', async () => {
    const vols = await materializeVolumes(pod([
      { name: 'scratch', emptyDir: {} },
      { name: 'nosource' },
      { name: 'data', persistentVolumeClaim: { claimName: 'db-data', readOnly: true } },
      { name: 'tmp', ephemeral: { volumeClaimTemplate: {} } },
    ]), podDir, sources(), options())
    expect(vols.paths.get('scratch')).toBe(join(podDir, 'volumes/kubernetes.io~empty-dir/scratch'))
    expect(vols.paths.get('nosource')).toBe(join(podDir, 'volumes/kubernetes.io~empty-dir/nosource'))
    expect(vols.paths.get('data')).toBe(join(root, 'pvs/shop/db-data'))
    expect(vols.paths.get('tmp')).toBe(join(root, 'pvs/shop/web-1-tmp'))
    expect(await mode(vols.paths.get('scratch')!)).toBe(0o777)
    expect((await stat(vols.paths.get('data')!)).isDirectory()).toBe(true)
    const mounts = await vols.mountsFor({ name: 'c', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }, { name: 'data', mountPath: 'var/lib/db' }] })
    expect(mounts).toEqual([
      { hostPath: vols.paths.get('scratch'), containerPath: '/scratch', readOnly: false },
      { hostPath: vols.paths.get('data'), containerPath: '/var/lib/db', readOnly: true },
    ])
    expect(vols.warnings).toEqual([])
  })

  it('keeps a claim\'s data for the next pod', async () => {
    const first = await materializeVolumes(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'c1' } }]), podDir, sources(), options())
    await writeFile(join(first.paths.get('data')!, 'row'), 'kept')
    const second = await materializeVolumes(pod([{ name: 'd', persistentVolumeClaim: { claimName: 'c1' } }]), join(root, 'pods/uid-2'), sources(), options())
    expect(await readFile(join(second.paths.get('d')!, 'row'), 'utf8')).toBe('kept')
  })

  it('checks and creates hostPath volumes by type', async () => {
    const dir = join(root, 'host', 'made')
    const file = join(root, 'host-file')
    const vols = await materializeVolumes(pod([
      { name: 'd', hostPath: { path: dir, type: 'DirectoryOrCreate' } },
      { name: 'f', hostPath: { path: file, type: 'FileOrCreate' } },
      { name: 'plain', hostPath: { path: join(root, 'does-not-matter') } },
    ]), podDir, sources(), options())
    expect(vols.paths.get('d')).toBe(dir)
    expect((await stat(dir)).isDirectory()).toBe(true)
    expect((await stat(file)).isFile()).toBe(true)

    const err = await setupError(materializeVolumes(pod([
      { name: 'missing', hostPath: { path: join(root, 'nope'), type: 'Directory' } },
      { name: 'wrong', hostPath: { path: file, type: 'Directory' } },
      { name: 'bad', hostPath: { path: file, type: 'Fancy' } },
      { name: 'ok', hostPath: { path: dir, type: 'Directory' } },
    ]), podDir, sources(), options()))
    expect(err.failures).toEqual([
      { volume: 'missing', message: `MountVolume.SetUp failed for volume "missing" : hostPath ${join(root, 'nope')} doesn't exist` },
      { volume: 'wrong', message: `MountVolume.SetUp failed for volume "wrong" : hostPath type check failed: ${file} is not a directory, it's a File` },
      { volume: 'bad', message: 'MountVolume.SetUp failed for volume "bad" : Fancy is an invalid volume type' },
    ])
  })

  it('writes configMap keys, items with paths and modes, and binaryData, read-only', async () => {
    const src = sources({ configMaps: [cm('app', { 'app.yaml': 'a: 1\n', 'other': 'x' }, { 'logo.bin': b64('\u0000\u0001') })] })
    const vols = await materializeVolumes(pod([
      { name: 'all', configMap: { name: 'app' } },
      { name: 'some', configMap: { name: 'app', defaultMode: 0o600, items: [{ key: 'app.yaml', path: 'conf/app.yaml' }, { key: 'other', path: 'o', mode: 0o400 }] } },
    ]), podDir, src, options())
    const all = vols.paths.get('all')!
    expect(all).toBe(join(podDir, 'volumes/kubernetes.io~configmap/all'))
    expect(await readFile(join(all, 'app.yaml'), 'utf8')).toBe('a: 1\n')
    expect(await readFile(join(all, 'logo.bin'))).toEqual(Buffer.from([0, 1]))
    expect(await mode(join(all, 'other'))).toBe(0o644)
    expect((await lstat(join(all, 'app.yaml'))).isSymbolicLink()).toBe(true)
    expect(await readlink(join(all, 'app.yaml'))).toBe('..data/app.yaml')
    const some = vols.paths.get('some')!
    expect(await readFile(join(some, 'conf/app.yaml'), 'utf8')).toBe('a: 1\n')
    expect(await mode(join(some, 'conf/app.yaml'))).toBe(0o600)
    expect(await mode(join(some, 'o'))).toBe(0o400)
    expect((await readdir(some)).filter((n) => !n.startsWith('..')).sort()).toEqual(['conf', 'o'])
    const [mount] = await vols.mountsFor({ name: 'c', volumeMounts: [{ name: 'all', mountPath: '/etc/app' }] })
    expect(mount.readOnly).toBe(true)
  })

  it('decodes secrets', async () => {
    const src = sources({ secrets: [{ metadata: { namespace: 'shop', name: 'tls' }, data: { 'tls.key': b64('KEY'), 'tls.crt': b64('CRT') } }] })
    const vols = await materializeVolumes(pod([{ name: 's', secret: { secretName: 'tls', defaultMode: 0o440 } }]), podDir, src, options())
    const dir = vols.paths.get('s')!
    expect(dir).toBe(join(podDir, 'volumes/kubernetes.io~secret/s'))
    expect(await readFile(join(dir, 'tls.key'), 'utf8')).toBe('KEY')
    expect(await mode(join(dir, 'tls.crt'))).toBe(0o440)
  })

  it('fails for missing objects and keys with FailedMount messages, and tolerates optional ones', async () => {
    const src = sources({ configMaps: [cm('app', { a: '1' })] })
    const err = await setupError(materializeVolumes(pod([
      { name: 'cfg', configMap: { name: 'nope' } },
      { name: 'sec', secret: { secretName: 'nope' } },
      { name: 'key', configMap: { name: 'app', items: [{ key: 'zz', path: 'zz' }] } },
      { name: 'skey', secret: { secretName: 'nope', optional: true, items: [{ key: 'zz', path: 'zz' }] } },
      { name: 'proj', projected: { sources: [{ configMap: { name: 'gone' } }, { secret: { name: 'gone' } }] } },
      { name: 'fine', configMap: { name: 'nope', optional: true } },
    ]), podDir, src, options()))
    expect(err.failures.map((f) => f.message)).toEqual([
      'MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found',
      'MountVolume.SetUp failed for volume "sec" : secret "nope" not found',
      'MountVolume.SetUp failed for volume "key" : configmap references non-existent config key: zz',
      'MountVolume.SetUp failed for volume "proj" : [configmap "gone" not found, secret "gone" not found]',
    ])
    // The optional, missing configMap is an empty volume.
    const dir = join(podDir, 'volumes/kubernetes.io~configmap/fine')
    expect((await readdir(dir)).filter((n) => !n.startsWith('..'))).toEqual([])
  })

  it('writes downwardAPI files', async () => {
    const p = pod([{
      name: 'info',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
          { path: 'app', fieldRef: { fieldPath: "metadata.labels['app']" } },
          { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' }, mode: 0o600 },
        ],
      },
    }], [{ name: 'c' }])
    const vols = await materializeVolumes(p, podDir, sources(), options())
    const dir = vols.paths.get('info')!
    expect(dir).toBe(join(podDir, 'volumes/kubernetes.io~downward-api/info'))
    expect(await readFile(join(dir, 'labels'), 'utf8')).toBe('app="web"')
    expect(await readFile(join(dir, 'name'), 'utf8')).toBe('web-1')
    expect(await readFile(join(dir, 'app'), 'utf8')).toBe('web')
    expect(await readFile(join(dir, 'mem'), 'utf8')).toBe('4096')
    expect(await mode(join(dir, 'mem'))).toBe(0o600)
  })

  it('projects configMap, secret, downwardAPI and a token into one directory', async () => {
    const src = sources({
      configMaps: [cm('kube-root-ca.crt', { 'ca.crt': 'CA' })],
      secrets: [{ metadata: { namespace: 'shop', name: 'creds' }, data: { user: b64('u') } }],
    })
    const volume: Volume = {
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          { secret: { name: 'creds' } },
        ],
      },
    }
    const vols = await materializeVolumes(pod([volume]), podDir, src, options())
    const dir = vols.paths.get('kube-api-access')!
    expect(await readFile(join(dir, 'token'), 'utf8')).toBe(placeholderToken)
    expect(await readFile(join(dir, 'ca.crt'), 'utf8')).toBe('CA')
    expect(await readFile(join(dir, 'namespace'), 'utf8')).toBe('shop')
    expect(await readFile(join(dir, 'user'), 'utf8')).toBe('u')

    const requests: unknown[] = []
    src.serviceAccountToken = async (req) => { requests.push(req); return 'real-token' }
    const again = await materializeVolumes(pod([volume]), join(root, 'pods/uid-3'), src, options())
    expect(await readFile(join(again.paths.get('kube-api-access')!, 'token'), 'utf8')).toBe('real-token')
    expect(requests).toEqual([{ namespace: 'shop', serviceAccountName: 'builder', audience: '', expirationSeconds: 3607, podName: 'web-1', podUID: 'uid-1' }])
  })

  it('stands in an empty directory for unsupported kinds, with a warning', async () => {
    const vols = await materializeVolumes(pod([{ name: 'nfs-share', nfs: { server: 'x', path: '/' } }]), podDir, sources(), options())
    expect(vols.paths.get('nfs-share')).toBe(join(podDir, 'volumes/kubernetes.io~nfs/nfs-share'))
    expect(vols.warnings).toEqual([{ volume: 'nfs-share', reason: 'UnsupportedVolume', message: 'kubeling does not support nfs volumes: volume "nfs-share" is an empty directory' }])
  })
})

describe('refresh', () => {
  it('swaps configMap contents atomically, drops removed keys and reports vanished objects', async () => {
    const src = sources({ configMaps: [cm('app', { a: '1', b: '2' })] })
    const vols = await materializeVolumes(pod([{ name: 'cfg', configMap: { name: 'app' } }, { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }]), podDir, src, options())
    const dir = vols.paths.get('cfg')!
    const before = await readlink(join(dir, '..data'))

    expect(await vols.refresh()).toEqual([])
    expect(await readlink(join(dir, '..data'))).toBe(before)

    src.store.configMaps = [cm('app', { a: 'one', c: '3' })]
    expect(await vols.refresh()).toEqual([])
    const after = await readlink(join(dir, '..data'))
    expect(after).not.toBe(before)
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('one')
    expect(await readFile(join(dir, 'c'), 'utf8')).toBe('3')
    expect((await readdir(dir)).sort()).toEqual(['..data', after, 'a', 'c'].sort())

    src.store.configMaps = []
    expect(await vols.refresh()).toEqual([{ volume: 'cfg', message: 'MountVolume.SetUp failed for volume "cfg" : configmap "app" not found' }])
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('one')

    const relabelled = pod([{ name: 'cfg', configMap: { name: 'app', optional: true } }, { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }])
    relabelled.metadata.labels = { app: 'web', track: 'canary' }
    expect(await vols.refresh(relabelled)).toEqual([])
    expect(await readFile(join(vols.paths.get('info')!, 'labels'), 'utf8')).toBe('app="web"\ntrack="canary"')
  })
})

describe('mountsFor', () => {
  it('creates subPath directories and expands subPathExpr', async () => {
    const vols = await materializeVolumes(pod([{ name: 'scratch', emptyDir: {} }]), podDir, sources(), options())
    const base = vols.paths.get('scratch')!
    const mounts = await vols.mountsFor({
      name: 'c',
      volumeMounts: [{ name: 'scratch', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)', readOnly: true }, { name: 'scratch', mountPath: '/cache', subPath: 'cache' }],
    }, [['POD_NAME', 'web-1']])
    expect(mounts).toEqual([
      { hostPath: join(base, 'logs/web-1'), containerPath: '/logs', readOnly: true },
      { hostPath: join(base, 'cache'), containerPath: '/cache', readOnly: false },
    ])
    expect((await stat(join(base, 'logs/web-1'))).isDirectory()).toBe(true)
  })

  it('mounts one configMap key by subPath as its resolved file', async () => {
    const vols = await materializeVolumes(pod([{ name: 'cfg', configMap: { name: 'app' } }]), podDir, sources({ configMaps: [cm('app', { 'nginx.conf': 'x' })] }), options())
    const [mount] = await vols.mountsFor({ name: 'c', volumeMounts: [{ name: 'cfg', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' }] })
    expect(await readFile(mount.hostPath, 'utf8')).toBe('x')
    expect((await lstat(mount.hostPath)).isFile()).toBe(true)
  })

  it('refuses unknown volumes, absolute or escaping subPaths and missing subPathExpr values', async () => {
    const vols = await materializeVolumes(pod([{ name: 'scratch', emptyDir: {} }]), podDir, sources(), options())
    const base = vols.paths.get('scratch')!
    await mkdir(join(root, 'outside'))
    await symlink(join(root, 'outside'), join(base, 'link'))
    const attempt = (volumeMounts: Container['volumeMounts'], env: Array<[string, string]> = []) => vols.mountsFor({ name: 'app', volumeMounts }, env)
    await expect(attempt([{ name: 'nope', mountPath: '/x' }])).rejects.toThrow('cannot find volume "nope" to mount into container "app"')
    await expect(attempt([{ name: 'scratch', mountPath: '/x', subPath: '/etc' }])).rejects.toThrow('error SubPath `/etc` must not be an absolute path')
    await expect(attempt([{ name: 'scratch', mountPath: '/x', subPath: 'a/../../b' }])).rejects.toThrow("unable to provision SubPath `a/../../b`: must not contain '..'")
    await expect(attempt([{ name: 'scratch', mountPath: '/x', subPath: 'link' }])).rejects.toThrow('failed to prepare subPath for volumeMount "scratch" of container "app"')
    await expect(attempt([{ name: 'scratch', mountPath: '/x', subPath: 'link/deeper' }])).rejects.toThrow('failed to prepare subPath for volumeMount "scratch" of container "app"')
    expect((await readdir(join(root, 'outside')))).toEqual([])
    await expect(attempt([{ name: 'scratch', mountPath: '/x', subPathExpr: '$(NOPE)' }])).rejects.toThrow('missing value for NOPE')
  })
})

describe('writeAtomically', () => {
  it('rejects paths that would escape the directory', async () => {
    const dir = join(root, 'w')
    await expect(writeAtomically(dir, new Map([['../x', { data: Buffer.from(''), mode: 0o644 }]]))).rejects.toThrow("invalid path: must not contain '..': ../x")
    await expect(writeAtomically(dir, new Map([['/x', { data: Buffer.from(''), mode: 0o644 }]]))).rejects.toThrow('invalid path: must be relative path: /x')
    await expect(writeAtomically(dir, new Map([['..x', { data: Buffer.from(''), mode: 0o644 }]]))).rejects.toThrow("invalid path: must not start with '..': ..x")
  })

  it('rewrites when only a mode changes', async () => {
    const dir = join(root, 'w')
    expect(await writeAtomically(dir, new Map([['k', { data: Buffer.from('v'), mode: 0o644 }]]))).toBe(true)
    expect(await writeAtomically(dir, new Map([['k', { data: Buffer.from('v'), mode: 0o644 }]]))).toBe(false)
    expect(await writeAtomically(dir, new Map([['k', { data: Buffer.from('v'), mode: 0o600 }]]))).toBe(true)
    expect(await mode(join(dir, 'k'))).toBe(0o600)
  })
})
