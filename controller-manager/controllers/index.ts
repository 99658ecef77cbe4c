// Every controller this controller-manager can run, by upstream's name.
import type { ControllerDefinition } from '../controller-context.ts'
import { replicaSetController } from './replicaset/replicaset-controller.ts'

export const allControllers: readonly ControllerDefinition[] = [
  replicaSetController,
]
