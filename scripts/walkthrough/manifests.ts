// The manifests the walkthrough applies, as a reader would write them in files.

export const nginxDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.24
        ports:
        - containerPort: 80
`

export const podOnSsd = `apiVersion: v1
kind: Pod
metadata:
  name: nginx-ssd
spec:
  nodeSelector:
    disktype: ssd
  containers:
  - name: nginx
    image: nginx
`

export const podOnNvme = `apiVersion: v1
kind: Pod
metadata:
  name: nginx-nvme
spec:
  nodeSelector:
    disktype: nvme
  containers:
  - name: nginx
    image: nginx
`

export const logAgentDaemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
spec:
  selector:
    matchLabels:
      app: log-agent
  template:
    metadata:
      labels:
        app: log-agent
    spec:
      containers:
      - name: agent
        image: busybox
        command: ["sh", "-c", "while true; do echo \\"collecting logs on $NODE_NAME\\"; sleep 30; done"]
        env:
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
`

export const countdownJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: countdown
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: counter
        image: busybox
        command: ["sh", "-c", "for i in 3 2 1; do echo $i; sleep 1; done; echo liftoff from $HOSTNAME"]
`

export const downwardEnvPod = `apiVersion: v1
kind: Pod
metadata:
  name: downward-env
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo POD_NAME=$POD_NAME; echo POD_IP=$POD_IP; echo NODE_NAME=$NODE_NAME"]
    env:
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
`

export const twoContainersPod = `apiVersion: v1
kind: Pod
metadata:
  name: two-containers
spec:
  restartPolicy: Never
  volumes:
  - name: shared-data
    emptyDir: {}
  containers:
  - name: nginx-container
    image: nginx
    volumeMounts:
    - name: shared-data
      mountPath: /usr/share/nginx/html
  - name: debian-container
    image: debian
    volumeMounts:
    - name: shared-data
      mountPath: /pod-data
    command: ["/bin/sh"]
    args: ["-c", "echo Hello from the debian container > /pod-data/index.html"]
`

/** The CronJob as old material writes it, in an API version clusters no longer serve. */
export const helloCronJobV2alpha1 = `apiVersion: batch/v2alpha1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox
            args: ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"]
          restartPolicy: OnFailure
`

export const helloCronJobV1 = helloCronJobV2alpha1.replace('batch/v2alpha1', 'batch/v1').replace('name: hello\n', 'name: hello-v1\n')
