// kube-proxy as kubeadm installs it (its "addon/kube-proxy" phase): a
// ServiceAccount, a ConfigMap with the KubeProxyConfiguration and a
// kubeconfig, and a DaemonSet running registry.k8s.io/kube-proxy on every
// node. Created once, at the cluster's first start; edits and deletions are
// the cluster owner's to make, as on a kubeadm cluster. The kubelet runs the
// image as a built-in stand-in. Left out of kubeadm's manifest: the
// xtables-lock and lib-modules hostPath volumes, which only a real
// kube-proxy in iptables mode needs.
import type { KubeObject } from '../shared/api-types.ts'
import { gitVersion } from './version.ts'

export const kubeProxyName = 'kube-proxy'
const namespace = 'kube-system'
const configKey = 'config.conf'
const kubeconfigKey = 'kubeconfig.conf'
const configDir = '/var/lib/kube-proxy'

/** `registry.k8s.io/kube-proxy:v1.34.0`: this server's Kubernetes version, without the kubeling suffix. */
export function kubeProxyImage(version = gitVersion): string {
  return `registry.k8s.io/kube-proxy:${version.replace(/-kubeling.*$/, '')}`
}

/** kubeadm's defaults, shortened: mode "" lets kube-proxy pick iptables on Linux. */
function proxyConfig(): string {
  return [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'kind: KubeProxyConfiguration',
    'bindAddress: 0.0.0.0',
    'clientConnection:',
    `  kubeconfig: ${configDir}/${kubeconfigKey}`,
    'clusterCIDR: ""',
    'iptables:',
    '  masqueradeAll: false',
    '  minSyncPeriod: 0s',
    '  syncPeriod: 0s',
    'mode: ""',
    '',
  ].join('\n')
}

function kubeconfig(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    server: ${server}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    namespace: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'users:',
    '- name: default',
    '  user:',
    '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
    '',
  ].join('\n')
}

/** The three objects, in creation order. `server` is the apiserver's URL for the kubeconfig. */
export function kubeProxyObjects(server: string, image = kubeProxyImage()): Array<{ group: string; kind: string; object: KubeObject }> {
  const labels = { 'k8s-app': kubeProxyName }
  return [
    { group: '', kind: 'ServiceAccount', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: kubeProxyName, namespace } } },
    {
      group: '',
      kind: 'ConfigMap',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: kubeProxyName, namespace, labels: { app: kubeProxyName } },
        data: { [configKey]: proxyConfig(), [kubeconfigKey]: kubeconfig(server) },
      },
    },
    {
      group: 'apps',
      kind: 'DaemonSet',
      object: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: kubeProxyName, namespace, labels },
        spec: {
          selector: { matchLabels: labels },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels },
            spec: {
              priorityClassName: 'system-node-critical',
              containers: [
                {
                  name: kubeProxyName,
                  image,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/usr/local/bin/kube-proxy', `--config=${configDir}/${configKey}`, '--hostname-override=$(NODE_NAME)'],
                  env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
                  securityContext: { privileged: true },
                  volumeMounts: [{ name: kubeProxyName, mountPath: configDir }],
                },
              ],
              hostNetwork: true,
              serviceAccountName: kubeProxyName,
              volumes: [{ name: kubeProxyName, configMap: { name: kubeProxyName } }],
              tolerations: [{ operator: 'Exists' }],
              nodeSelector: { 'kubernetes.io/os': 'linux' },
            },
          },
        },
      },
    },
  ]
}
