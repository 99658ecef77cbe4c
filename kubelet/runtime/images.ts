// Image references, parsed as distribution/reference's ParseNormalizedNamed
// does (the grammar docker, containerd and the kubelet share), and mapped to
// kubeling's built-in stand-ins. Nothing is ever downloaded: an image is a
// name for behaviour the runtime already has.
import { createHash } from 'node:crypto'
import { ImageError, type ImageInfo } from './types.ts'

/** The behaviours kubeling has built in, keyed by the image's last path component. */
export type StandInName = 'nginx' | 'pause' | 'kube-proxy' | 'busybox' | 'alpine' | 'debian' | 'ubuntu'

const standInNames: ReadonlySet<string> = new Set<StandInName>(['nginx', 'pause', 'kube-proxy', 'busybox', 'alpine', 'debian', 'ubuntu'])

/** A parsed, normalized reference: docker.io/library/nginx:1.25. */
export interface ImageReference {
  /** Registry host with optional port: docker.io, registry.k8s.io, localhost:5000. */
  domain: string
  /** Repository path inside the registry: library/nginx, pause. */
  path: string
  /** Explicit tag, or latest when neither tag nor digest was given. */
  tag?: string
  /** algorithm:hex */
  digest?: string
}

export interface ResolvedImage extends ImageInfo {
  reference: ImageReference
  /** The built-in that runs this image's entrypoint, if any. */
  standIn?: StandInName
}

// The grammar of distribution/reference's regexp.go, with the same names.
const alphaNumeric = '[a-z0-9]+'
const separator = '(?:[._]|__|[-]+)'
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const domainName = `${domainComponent}(?:\\.${domainComponent})*`
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]'
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`
const tagPattern = '[\\w][\\w.-]{0,127}'
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}'
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`
const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`)
const anchoredIdentifier = /^[a-f0-9]{64}$/
const nameTotalLengthMax = 255

/** The message upstream's reference parser gives, as the kubelet quotes it. */
function invalidName(ref: string, cause: string): ImageError {
  return new ImageError(
    'InvalidImageName',
    `Failed to apply default image tag ${JSON.stringify(ref)}: couldn't parse image name ${JSON.stringify(ref)}: ${cause}`,
  )
}

/** Splits off the registry as splitDockerDomain does: a first component is a host only with '.', ':' or 'localhost'. */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/')
  let domain: string
  let remainder: string
  const first = i < 0 ? '' : name.slice(0, i)
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = 'docker.io'
    remainder = name
  } else {
    domain = first
    remainder = name.slice(i + 1)
  }
  if (domain === 'index.docker.io') domain = 'docker.io'
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`
  return [domain, remainder]
}

/**
 * Parses and normalizes an image reference; throws ImageError('InvalidImageName')
 * with the kubelet's message. A reference with neither tag nor digest gets :latest.
 */
export function parseImageReference(ref: string): ImageReference {
  if (anchoredIdentifier.test(ref)) {
    throw invalidName(ref, `invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`)
  }
  const [domain, remainder] = splitDomain(ref)
  const colon = remainder.indexOf(':')
  const remoteName = colon < 0 ? remainder : remainder.slice(0, colon)
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalidName(ref, `invalid reference format: repository name (${remoteName}) must be lowercase`)
  }
  const full = `${domain}/${remainder}`
  const m = referenceRegexp.exec(full)
  if (!m) {
    if (referenceRegexp.test(full.toLowerCase())) throw invalidName(ref, 'repository name must be lowercase')
    throw invalidName(ref, 'invalid reference format')
  }
  const [, name, tag, digest] = m
  if (name.length > nameTotalLengthMax) {
    throw invalidName(ref, `repository name must not be more than ${nameTotalLengthMax} characters`)
  }
  if (digest) {
    const [algorithm, hex] = digest.split(':')
    const length = ({ sha256: 64, sha384: 96, sha512: 128 } as Record<string, number>)[algorithm]
    if (length === undefined) throw invalidName(ref, 'unsupported digest algorithm')
    if (hex.length !== length) throw invalidName(ref, 'invalid checksum digest length')
    if (!/^[a-f0-9]+$/.test(hex)) throw invalidName(ref, 'invalid checksum digest format')
  }
  const path = name.slice(domain.length + 1)
  return { domain, path, tag: tag ?? (digest ? undefined : 'latest'), digest }
}

/** The canonical string: docker.io/library/nginx:1.25, …@sha256:… */
export function formatImageReference(r: ImageReference): string {
  return `${r.domain}/${r.path}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`
}

/** The stand-in an image maps to, from its repository's last path component (any registry, any tag). */
export function standInFor(r: ImageReference): StandInName | undefined {
  const last = r.path.slice(r.path.lastIndexOf('/') + 1)
  return standInNames.has(last) ? (last as StandInName) : undefined
}

/**
 * Parses, normalizes and maps a reference. imageID is the repository with the
 * given digest, or with a stable sha256 of the normalized reference, so the
 * same image reports the same ID on every node and every run.
 */
export function resolveImage(ref: string): ResolvedImage {
  const reference = parseImageReference(ref)
  const image = formatImageReference(reference)
  const repo = `${reference.domain}/${reference.path}`
  const digest = reference.digest ?? `sha256:${createHash('sha256').update(image).digest('hex')}`
  const standIn = standInFor(reference)
  return { image, imageID: `${repo}@${digest}`, simulated: !standIn, reference, standIn }
}

/** containerd's message for an image the registry does not have. */
export function imageNotFoundMessage(image: string): string {
  const q = JSON.stringify(image)
  return `failed to pull and unpack image ${q}: failed to resolve reference ${q}: ${image}: not found`
}

/** What both runtimes do with images that have no stand-in. */
export type UnknownImagePolicy = 'simulate' | 'fail'

/**
 * pullImage for both runtimes. With 'fail', an unknown image fails as a
 * missing image does upstream, even when the pod gives a command: pulling
 * happens before the runtime knows what will run.
 */
export function pullImage(ref: string, unknownImages: UnknownImagePolicy): ResolvedImage {
  const resolved = resolveImage(ref)
  if (!resolved.standIn && unknownImages === 'fail') {
    throw new ImageError('ErrImagePull', imageNotFoundMessage(resolved.image))
  }
  return resolved
}
