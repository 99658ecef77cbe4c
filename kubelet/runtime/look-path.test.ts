import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lookPath, LookPathError } from './look-path.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-lookpath-'))
  await writeFile(join(dir, 'tool'), '#!/bin/sh\n')
  await chmod(join(dir, 'tool'), 0o755)
  await writeFile(join(dir, 'data'), 'x')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function failure(p: Promise<unknown>): Promise<LookPathError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(LookPathError)
  return err as LookPathError
}

describe('lookPath', () => {
  it('searches PATH, skipping empty entries', async () => {
    expect(await lookPath('tool', { path: `::/nope:${dir}`, cwd: '/' })).toBe(join(dir, 'tool'))
  })

  it('takes names with a slash as they are, relative to cwd', async () => {
    expect(await lookPath('./tool', { path: '', cwd: dir })).toBe('./tool')
  })

  it('words failures as Go does, with a shell exit code', async () => {
    expect(await failure(lookPath('missing', { path: dir, cwd: '/' }))).toMatchObject({
      message: 'exec: "missing": executable file not found in $PATH',
      exitCode: 127,
    })
    expect(await failure(lookPath('data', { path: dir, cwd: '/' }))).toMatchObject({ exitCode: 126 })
    expect(await failure(lookPath(join(dir, 'data'), { path: '', cwd: '/' }))).toMatchObject({
      message: `exec: "${join(dir, 'data')}": permission denied`,
      exitCode: 126,
    })
    expect((await failure(lookPath('/no/such', { path: '', cwd: '/' }))).message).toBe('exec: "/no/such": stat /no/such: no such file or directory')
  })

  it('looks through a container view', async () => {
    expect(await lookPath('/bin/tool', { path: '', cwd: '/', toHost: (p) => p.replace('/bin', dir) })).toBe('/bin/tool')
  })
})
