import { describe, expect, it } from 'vitest';
import { type Case, sorted, tagsOf } from './_cases.ts';

const KUBECTL: Case[] = [
  // reads
  ['kubectl get pods', ['infra.read']],
  ['kubectl get pods -A -o wide', ['infra.read']],
  ['kubectl get deployment delete-me', ['infra.read']],
  ['kubectl -n delete get pods', ['infra.read']],
  ['kubectl describe pod web-1', ['infra.read']],
  ['kubectl logs -f deploy/web --tail 100', ['infra.read']],
  ['kubectl logs -p web-1', ['infra.read']],
  ['kubectl top nodes', ['infra.read']],
  ['kubectl diff -f k8s/', ['infra.read']],
  ['kubectl version --client', ['infra.read']],
  ['kubectl port-forward svc/db 5432:5432', ['infra.read']],
  ['kubectl auth can-i delete pods', ['infra.read']],
  ['kubectl rollout status deploy/web', ['infra.read']],
  ['kubectl rollout history deploy/web', ['infra.read']],
  ['kubectl cp web-1:/var/log/app.log ./app.log', ['infra.read']],
  // secrets shown
  ['kubectl get secret db-creds -o yaml', ['cred.read', 'infra.read']],
  ['kubectl get secrets/db-creds -ojson', ['cred.read', 'infra.read']],
  ["kubectl get secret db -o jsonpath='{.data.password}'", ['cred.read', 'infra.read']],
  ['kubectl -n prod get secret db --output=yaml', ['cred.read', 'infra.read']],
  ["kubectl get secret db --template='{{.data.pw}}'", ['cred.read', 'infra.read']],
  ['kubectl get secrets', ['infra.read']],
  ['kubectl get secrets -o name', ['infra.read']],
  ['kubectl get configmap app -o yaml', ['infra.read']],
  ['kubectl describe secret db', ['infra.read']],
  ['kubectl view-secret db password', ['cred.read']],
  ['kubectl config view', ['infra.read']],
  ['kubectl config view --raw', ['cred.read', 'infra.read']],
  ['kubectl config get-contexts', ['infra.read']],
  // changes
  ['kubectl apply -f deploy.yaml', ['infra.change']],
  ['kubectl --context prod apply -k overlays/prod', ['infra.change']],
  ['kubectl apply -f deploy.yaml --dry-run=client', ['infra.read']],
  ['kubectl apply -f deploy.yaml --dry-run=server', ['infra.read']],
  ['kubectl apply -f deploy.yaml --dry-run=none', ['infra.change']],
  ['kubectl apply --prune -l app=web -f k8s/', ['infra.change', 'infra.destroy']],
  ['kubectl edit deploy/web', ['infra.change']],
  ['kubectl patch deploy web -p \'{"spec":{"replicas":3}}\'', ['infra.change']],
  ['kubectl scale deploy/web --replicas=0', ['infra.change']],
  ['kubectl rollout restart deploy/web', ['infra.change']],
  ['kubectl rollout undo deploy/web', ['infra.change']],
  ['kubectl set image deploy/web web=web:2', ['infra.change']],
  ['kubectl label node n1 disk=ssd', ['infra.change']],
  ['kubectl drain node-1 --ignore-daemonsets', ['infra.change']],
  // The command inside is judged by effects/containers-run.ts (a bare shell is tagged infra.change
  // there); the recognizer itself only reads the cluster.
  ['kubectl exec -it web-1 -- bash', ['infra.read']],
  ['kubectl exec web-1 -- rm -rf /data', ['infra.read']],
  ['kubectl cp ./fix.sh web-1:/tmp/fix.sh', ['infra.change']],
  ['kubectl create deployment web --image=nginx', ['infra.change']],
  ['kubectl replace --force -f pod.yaml', ['infra.change', 'infra.destroy']],
  // destruction
  ['kubectl delete pod web-1', ['infra.destroy']],
  ['kubectl -n prod delete deployment web', ['infra.destroy']],
  ['kubectl --namespace=prod delete ns prod', ['infra.destroy']],
  ['kubectl --context prod-cluster delete pvc data', ['infra.destroy']],
  ['kubectl --kubeconfig ~/.kube/prod delete -f k8s/', ['infra.destroy']],
  ['kubectl delete pods --all -A', ['infra.destroy']],
  ['kubectl -v=6 delete svc web', ['infra.destroy']],
  ['kubectl --some-unknown-flag value delete pod x', ['infra.destroy']],
  ['kubectl delete pod x --dry-run=client', ['infra.read']],
  // credentials
  ['kubectl create secret generic db --from-literal=pw=x', ['cred.manage', 'infra.change']],
  ['kubectl create secret docker-registry reg --docker-server=r', ['cred.manage', 'infra.change']],
  ['kubectl create secret generic db --from-literal=pw=x --dry-run=client -o yaml', ['infra.read']],
  ['kubectl delete secret db-creds', ['cred.manage', 'infra.destroy']],
  ['kubectl create token ci-bot', ['cred.manage', 'infra.change']],
  [
    'kubectl create clusterrolebinding admin --clusterrole=cluster-admin --user=me',
    ['cred.manage', 'infra.change'],
  ],
  ['kubectl edit secret db', ['cred.manage', 'infra.change']],
  ['kubectl certificate approve csr-1', ['cred.manage', 'infra.change']],
  ['kubectl config set-credentials admin --token=abc', ['cred.manage']],
  ['kubectl config set users.admin.token abc', ['cred.manage']],
  ['kubectl config use-context prod', []],
  // nothing to say
  ['kubectl', []],
  ['kubectl completion bash', []],
  ['kubectl neat', []],
  ['oc delete project demo', ['infra.destroy']],
  ['oc get pods', ['infra.read']],
];

const HELM: Case[] = [
  ['helm list -A', ['infra.read']],
  ['helm status web', ['infra.read']],
  ['helm template web ./chart', ['infra.read']],
  ['helm get values web -n prod', ['infra.read']],
  ['helm install web ./chart', ['infra.change']],
  ['helm upgrade --install web ./chart -f values-prod.yaml', ['infra.change']],
  ['helm upgrade web ./chart --dry-run', ['infra.read']],
  ['helm rollback web 3', ['infra.change']],
  ['helm uninstall web', ['infra.destroy']],
  ['helm -n prod uninstall web', ['infra.destroy']],
  ['helm --kube-context prod delete web', ['infra.destroy']],
  ['helm --namespace=prod un web', ['infra.destroy']],
  ['helm push chart-1.0.0.tgz oci://registry.example.com/charts', ['infra.change', 'registry.publish']],
  ['helm registry login registry.example.com', ['cred.manage']],
  ['helm repo add bitnami https://charts.bitnami.com/bitnami', []],
  ['helm dependency update', []],
  ['helm package ./chart', []],
];

describe('kubectl', () => {
  it.each(KUBECTL)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('helm', () => {
  it.each(HELM)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
