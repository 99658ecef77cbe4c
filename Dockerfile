# One image for every kubeling component: docker-compose.yml runs the
# apiserver, scheduler, controller-manager and kubelets from it, each with its
# own command. Node 24 runs the TypeScript sources as they are (it strips
# types), so there is no build step.
FROM node:24-slim

WORKDIR /app

# Production dependencies only, exactly as locked: the devDependencies (the
# TypeScript compiler, vitest, the kubectl binaries, the `node` package) stay
# out. --ignore-scripts: the one production dependency with an install script,
# classic-level (LevelDB), ships prebuilt binaries for linux x64 and arm64 and
# loads them at run time, and the project's own scripts are for development.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY . .

# State the unprivileged user writes: the apiserver's LevelDB (a named volume
# mounted here takes this ownership when it is first created) and the
# kubelet's pod directories. The code itself stays root-owned and read-only.
RUN mkdir -p /var/lib/kubeling /var/lib/kubelet && chown node:node /var/lib/kubeling /var/lib/kubelet

# The image's own unprivileged user (uid 1000).
USER node

EXPOSE 8080 10250

# Alone (`docker run -p 127.0.0.1:8080:8080 kubeling`) the image is an
# apiserver; docker-compose.yml gives each service its own command.
CMD ["node", "apiserver/main.ts", "--bind-address", "0.0.0.0", "--data-dir", "/var/lib/kubeling"]
