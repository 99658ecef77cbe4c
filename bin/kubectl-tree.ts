// kubectl tree KIND NAME: the object's ownership tree, like the community
// plugin (ahmetb/kubectl-tree). kubectl runs `kubectl-tree`, the sh launcher
// beside this file, for `kubectl tree …`; it runs this with the project's Node.
// The compile cache must be on before the plugin's modules load, so a second
// run skips stripping their types again.
import { enableCompileCache } from 'node:module'

enableCompileCache()
const { runTree } = await import('./tree/plugin.ts')
const code = await runTree(process.argv.slice(2), process.env)
// Exit once stdout has drained: on a pipe, process.exit could cut the tree short.
process.stdout.write('', () => process.exit(code))
