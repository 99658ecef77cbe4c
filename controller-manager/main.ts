// kubeling controller-manager: `npm run controller-manager -- --server http://127.0.0.1:8080`.
// The compile cache must be on before the rest of the program loads, hence
// the dynamic import (see apiserver/main.ts).
import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('./cli.ts')
