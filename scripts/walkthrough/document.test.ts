import { describe, expect, it } from 'vitest'
import { shellLine, WalkthroughDocument } from './document.ts'

describe('WalkthroughDocument', () => {
  it('puts consecutive commands in one console block and closes it before prose, files and stream lines', () => {
    const doc = new WalkthroughDocument()
    doc.heading('## Pods')
    doc.prose('Create one:')
    doc.command('kubectl run nginx --image=nginx', 'pod/nginx created\n')
    doc.command('kubectl get pods', 'NAME    READY   \nnginx   1/1     \n\n')
    doc.file('pod.yaml', 'kind: Pod\n')
    doc.text(['a → b  watch ADDED  '])
    expect(doc.render()).toBe([
      '## Pods', '',
      'Create one:', '',
      '```console', '$ kubectl run nginx --image=nginx', 'pod/nginx created', '$ kubectl get pods', 'NAME    READY', 'nginx   1/1', '```', '',
      '`pod.yaml`:', '', '```yaml', 'kind: Pod', '```', '',
      '```text', 'a → b  watch ADDED', '```', '',
    ].join('\n').trimEnd() + '\n')
  })

  it('shows what varies between runs the way a reader sees it, from the moment it is registered', () => {
    const doc = new WalkthroughDocument()
    doc.command('curl http://127.0.0.1:41234/readyz', 'ok')
    doc.substitute('http://127.0.0.1:41234', 'http://127.0.0.1:8080')
    doc.command('curl http://127.0.0.1:41234/livez', 'at http://127.0.0.1:41234')
    expect(doc.render()).toBe('```console\n$ curl http://127.0.0.1:41234/readyz\nok\n$ curl http://127.0.0.1:8080/livez\nat http://127.0.0.1:8080\n```\n')
  })
})

describe('shellLine', () => {
  it('quotes only the arguments a shell would split or expand', () => {
    expect(shellLine('kubectl', ['create', 'cronjob', 'hello', '--schedule=*/1 * * * *', '--', 'sh', '-c', "echo it's"]))
      .toBe(`kubectl create cronjob hello '--schedule=*/1 * * * *' -- sh -c 'echo it'\\''s'`)
    expect(shellLine('kubectl', ['get', 'pods', '-o', 'wide', '--field-selector=spec.nodeName=node-1'])).toBe('kubectl get pods -o wide --field-selector=spec.nodeName=node-1')
  })
})
