import { describe, expect, it } from 'vitest';
import { type Case, sorted, tagsOf } from './_cases.ts';

const TERRAFORM: Case[] = [
  ['terraform plan', ['infra.read']],
  ['terraform plan -destroy', ['infra.read']],
  ['terraform plan -out=tfplan -var env=prod', ['infra.read']],
  ['terraform init -upgrade', ['infra.read']],
  ['terraform init -migrate-state', ['infra.change']],
  ['terraform validate', ['infra.read']],
  ['terraform fmt -check', ['infra.read']],
  ['terraform output -json', ['infra.read']],
  ['terraform show tfplan', ['infra.read']],
  ['terraform state list', ['infra.read']],
  ['terraform state show aws_instance.web', ['infra.read']],
  ['terraform -version', ['infra.read']],
  ['terraform apply', ['infra.change']],
  ['terraform apply -auto-approve', ['infra.change']],
  ['terraform apply tfplan', ['infra.change']],
  ['terraform -chdir=infra/prod apply -auto-approve', ['infra.change']],
  ['terraform apply -destroy', ['infra.destroy']],
  ['terraform apply --destroy -auto-approve', ['infra.destroy']],
  ['terraform apply destroy.tfplan', ['infra.destroy']],
  ['terraform destroy', ['infra.destroy']],
  ['terraform destroy -target=aws_instance.web', ['infra.destroy']],
  ['terraform -chdir=x destroy', ['infra.destroy']],
  ['terraform import aws_s3_bucket.b my-bucket', ['infra.change']],
  ['terraform state rm aws_instance.web', ['infra.change']],
  ['terraform state mv a b', ['infra.change']],
  ['terraform taint aws_instance.web', ['infra.change']],
  ['terraform force-unlock 1234', ['infra.change']],
  ['terraform workspace list', ['infra.read']],
  ['terraform workspace select prod', []],
  ['terraform workspace delete staging', ['infra.destroy']],
  ['terraform login', ['cred.manage']],
  ['tofu destroy', ['infra.destroy']],
  ['tofu plan', ['infra.read']],
  ['terragrunt run-all destroy', ['infra.destroy']],
  ['terragrunt run-all plan', ['infra.read']],
  ['terragrunt run --all -- destroy', ['infra.destroy']],
  ['terragrunt destroy-all', ['infra.destroy']],
  ['terragrunt apply', ['infra.change']],
  ['terragrunt --working-dir live/prod plan', ['infra.read']],
  ['terraform', []],
];

const PULUMI_CDK_SLS: Case[] = [
  ['pulumi preview', ['infra.read']],
  ['pulumi up --yes', ['infra.change']],
  ['pulumi -C infra up -s prod', ['infra.change']],
  ['pulumi destroy --yes', ['infra.destroy']],
  ['pulumi destroy --preview-only', ['infra.read']],
  ['pulumi refresh', ['infra.change']],
  ['pulumi stack ls', ['infra.read']],
  ['pulumi stack output', ['infra.read']],
  ['pulumi stack output --show-secrets', ['cred.read', 'infra.read']],
  ['pulumi stack rm prod', ['infra.destroy']],
  ['pulumi stack select prod', []],
  ['pulumi state delete urn:pulumi:x', ['infra.change']],
  ['pulumi config', ['infra.read']],
  ['pulumi config get aws:region', ['infra.read']],
  ['pulumi config get dbPassword', ['cred.read', 'infra.read']],
  ['pulumi config --show-secrets', ['cred.read', 'infra.read']],
  ['pulumi config set aws:region us-east-1', []],
  ['pulumi login', ['cred.manage']],
  ['cdk synth', ['infra.read']],
  ['cdk diff', ['infra.read']],
  ['cdk deploy --all', ['infra.change']],
  ['cdk --profile prod deploy MyStack', ['infra.change']],
  ['cdk destroy MyStack --force', ['infra.destroy']],
  ['cdk bootstrap aws://123/us-east-1', ['infra.change']],
  ['cdk init app --language typescript', []],
  ['serverless deploy --stage prod', ['infra.change']],
  ['sls deploy list', ['infra.read']],
  ['sls remove --stage prod', ['infra.destroy']],
  ['serverless info', ['infra.read']],
  ['sls invoke local -f hello', []],
  ['sls invoke -f hello', ['infra.change']],
  ['serverless config credentials --provider aws --key x --secret y', ['cred.manage']],
  ['sls offline', []],
];

const ANSIBLE: Case[] = [
  ['ansible-playbook site.yml', ['infra.change']],
  ['ansible-playbook -i prod site.yml --check', ['infra.read']],
  ['ansible-playbook site.yml -C --diff', ['infra.read']],
  ['ansible-playbook site.yml --syntax-check', ['infra.read']],
  ['ansible-playbook site.yml --list-hosts', ['infra.read']],
  ['ansible all -m ping', ['infra.read']],
  ['ansible web -m setup', ['infra.read']],
  ["ansible web -a 'systemctl restart app'", ['infra.change']],
  ["ansible all -m shell -a 'rm -rf /tmp/x'", ['infra.change']],
  ['ansible --version', ['infra.read']],
];

describe('terraform family', () => {
  it.each(TERRAFORM)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('pulumi, cdk, serverless', () => {
  it.each(PULUMI_CDK_SLS)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('ansible', () => {
  it.each(ANSIBLE)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
