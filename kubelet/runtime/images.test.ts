import { describe, expect, it } from 'vitest'
import { imageNotFoundMessage, parseImageReference, pullImage, resolveImage } from './images.ts'
import { ImageError } from './types.ts'

const d64 = 'a'.repeat(64)

describe('parseImageReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest', 'nginx'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25', 'nginx'],
    ['docker.io/library/nginx:1.25', 'docker.io/library/nginx:1.25', 'nginx'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx:latest', 'nginx'],
    ['bitnami/nginx:1.25.3', 'docker.io/bitnami/nginx:1.25.3', 'nginx'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9', 'pause'],
    ['registry.k8s.io/kube-proxy:v1.34.0', 'registry.k8s.io/kube-proxy:v1.34.0', 'kube-proxy'],
    ['localhost:5000/team/busybox', 'localhost:5000/team/busybox:latest', 'busybox'],
    ['localhost/alpine:3.19', 'localhost/alpine:3.19', 'alpine'],
    ['[::1]:5000/ubuntu:22.04', '[::1]:5000/ubuntu:22.04', 'ubuntu'],
    ['debian:bookworm-slim', 'docker.io/library/debian:bookworm-slim', 'debian'],
    [`nginx@sha256:${d64}`, `docker.io/library/nginx@sha256:${d64}`, 'nginx'],
    [`nginx:1.25@sha256:${d64}`, `docker.io/library/nginx:1.25@sha256:${d64}`, 'nginx'],
    ['Example.com/my_app/web-server:v1.0', 'Example.com/my_app/web-server:v1.0', undefined],
    ['foo__bar.baz--qux', 'docker.io/library/foo__bar.baz--qux:latest', undefined],
  ])('%s → %s', (ref, normalized, standIn) => {
    const r = resolveImage(ref)
    expect(r.image).toBe(normalized)
    expect(r.standIn).toBe(standIn)
    expect(r.simulated).toBe(!standIn)
  })

  it.each([
    ['', 'invalid reference format'],
    ['nginx:', 'invalid reference format'],
    ['nginx::1', 'invalid reference format'],
    ['-nginx', 'invalid reference format'],
    ['nginx:-latest', 'invalid reference format'],
    ['my image', 'invalid reference format'],
    ['nginx/', 'invalid reference format'],
    ['foo_.bar', 'invalid reference format'],
    ['Nginx', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    [d64, `invalid repository name (${d64}), cannot specify 64-byte hexadecimal strings`],
    ['nginx@sha256:abc', 'invalid reference format'],
    [`nginx@sha256:${'a'.repeat(40)}`, 'invalid checksum digest length'],
    [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`${'a'.repeat(250)}/nginx`, 'repository name must not be more than 255 characters'],
  ])('%j is invalid: %s', (ref, cause) => {
    const q = JSON.stringify(ref)
    let err: unknown
    try {
      parseImageReference(ref)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ImageError)
    expect((err as ImageError).reason).toBe('InvalidImageName')
    expect((err as ImageError).message).toBe(`Failed to apply default image tag ${q}: couldn't parse image name ${q}: ${cause}`)
  })

  it('gives the kubelet message from the issue for a bad reference', () => {
    expect(() => parseImageReference('nginx:1.25:x')).toThrow(
      'Failed to apply default image tag "nginx:1.25:x": couldn\'t parse image name "nginx:1.25:x": invalid reference format',
    )
  })
})

describe('resolveImage', () => {
  it('gives a stable digest-style imageID per reference', () => {
    const a = resolveImage('nginx:1.25')
    expect(a.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/)
    expect(resolveImage('docker.io/library/nginx:1.25').imageID).toBe(a.imageID)
    expect(resolveImage('nginx:1.26').imageID).not.toBe(a.imageID)
  })

  it('keeps a given digest as the imageID', () => {
    expect(resolveImage(`nginx@sha256:${d64}`).imageID).toBe(`docker.io/library/nginx@sha256:${d64}`)
  })
})

describe('pullImage', () => {
  it('simulates unknown images by default', () => {
    expect(pullImage('foo:1.0', 'simulate')).toMatchObject({ image: 'docker.io/library/foo:1.0', simulated: true })
  })

  it('fails unknown images as a missing image with fail', () => {
    expect(() => pullImage('foo:1.0', 'fail')).toThrow(
      new ImageError('ErrImagePull', imageNotFoundMessage('docker.io/library/foo:1.0')),
    )
    expect(imageNotFoundMessage('docker.io/library/foo:1.0')).toBe(
      'failed to pull and unpack image "docker.io/library/foo:1.0": failed to resolve reference "docker.io/library/foo:1.0": docker.io/library/foo:1.0: not found',
    )
    expect(pullImage('busybox', 'fail').standIn).toBe('busybox')
  })
})
