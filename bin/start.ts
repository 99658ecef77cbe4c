// `npm start`: the whole kubeling cluster, each component its own process.
// The compile cache must be on before the rest loads (see apiserver/main.ts).
import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('./launcher/cli.ts')
