// kubeling apiserver: `npm run apiserver -- --port 8080 --data-dir ./data`.
// Node's compile cache keeps the compiled modules between starts, which
// takes a few hundred milliseconds off every start; it must be switched on
// before the rest of the program is loaded, hence the dynamic import.
import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('./cli.ts')
