// What /version reports. The minor version is one kubectl 1.32 through 1.35
// accept without complaint; the suffix says which server this really is.
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

export const kubelingVersion: string = pkg.version
export const kubernetesMinor = '34'
export const gitVersion = `v1.${kubernetesMinor}.0-kubeling.${kubelingVersion}`

export function versionInfo() {
  return {
    major: '1',
    minor: kubernetesMinor,
    emulationMajor: '1',
    emulationMinor: kubernetesMinor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-23T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'kubeling',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  }
}
