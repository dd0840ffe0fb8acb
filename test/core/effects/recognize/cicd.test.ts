import { describe, expect, it } from 'vitest';
import { type Case, sorted, tagsOf } from './_cases.ts';

const CIRCLECI: Case[] = [
  ['circleci context list org/my-org', ['infra.read']],
  ['circleci context list --org-slug org/my-org', ['infra.read']],
  ['circleci context show org/my-org context/prod', ['infra.read']],
  ['circleci orb list org/my-org', ['infra.read']],
  ['circleci orb info my-org/my-orb', ['infra.read']],
  ['circleci orb list-categories', ['infra.read']],
  ['circleci pipeline list org/my-org/project/app', ['infra.read']],
  ['circleci project list', ['infra.read']],
  ['circleci namespace list', ['infra.read']],
  ['circleci config validate .circleci/config.yml', ['infra.read']],
  ['circleci config process .circleci/config.yml', ['infra.read']],
  ['circleci policy status', ['infra.read']],
  ['circleci runner token list my-org/rc', ['infra.read']],
  ['circleci diagnostic', ['infra.read']],
  ['circleci version', ['infra.read']],
  ['circleci context delete org/my-org context/prod', ['cred.manage', 'infra.destroy']],
  ['circleci --token $T context delete org/my-org context/prod', ['cred.manage', 'infra.destroy']],
  [
    'circleci context remove-secret org/my-org context/prod AWS_ACCESS_KEY_ID',
    ['cred.manage', 'infra.destroy'],
  ],
  ['circleci orb delete my-org/my-orb', ['infra.destroy']],
  ['circleci namespace delete my-org', ['infra.destroy']],
  ['circleci pipeline delete 123456', ['infra.destroy']],
  ['circleci runner resource-class delete my-org/rc', ['infra.destroy']],
  ['circleci runner token delete 123', ['cred.manage', 'infra.destroy']],
  ['circleci context store-secret org/my-org context/prod API_KEY', ['cred.manage', 'infra.change']],
  ['circleci context create org/my-org context/new', ['infra.change']],
  ['circleci runner token create my-org/rc nickname', ['cred.manage', 'infra.change']],
  ['circleci orb create my-org/my-orb', ['infra.change']],
  ['circleci orb add-to-category my-org/my-orb Testing', ['infra.change']],
  ['circleci orb remove-from-category my-org/my-orb Testing', ['infra.change']],
  ['circleci policy push ./policies --owner-id x', ['infra.change']],
  ['circleci orb publish ./orb.yml my-org/my-orb@dev:first', ['infra.change', 'registry.publish']],
  ['circleci orb publish promote my-org/my-orb@dev:first patch', ['infra.change', 'registry.publish']],
  ['circleci setup --token abc', ['cred.manage']],
  ['circleci config pack src', []],
  ['circleci local execute build', []],
  ['circleci', []],
];

const GITLAB_RUNNER: Case[] = [
  ['gitlab-runner list', ['infra.read']],
  ['gitlab-runner status', ['infra.read']],
  ['gitlab-runner verify', ['infra.read']],
  ['gitlab-runner --version', ['infra.read']],
  ['gitlab-runner unregister --all-runners', ['infra.destroy']],
  ['gitlab-runner unregister --name runner-prod', ['infra.destroy']],
  ['gitlab-runner unregister --url https://gitlab.example.com --token ABCD', ['infra.destroy']],
  ['gitlab-runner --debug unregister --name r1', ['infra.destroy']],
  ['gitlab-runner register --non-interactive --url https://gitlab.com --token glrt-x', ['infra.change']],
  ['gitlab-runner verify --delete', ['infra.change']],
  ['gitlab-runner stop', ['infra.change']],
  ['gitlab-runner uninstall', ['infra.change']],
  ['gitlab-runner reset-token --name r1', ['cred.manage', 'infra.change']],
  ['gitlab-runner exec shell test', []],
  ['gitlab-runner run', []],
];

const JENKINS = 'java -jar jenkins-cli.jar -s http://jenkins.local/';

const JENKINS_CLI: Case[] = [
  [`${JENKINS} list-jobs`, ['infra.read']],
  [`${JENKINS} who-am-i`, ['infra.read']],
  [`${JENKINS} get-job deploy-prod`, ['infra.read']],
  [`${JENKINS} get-node agent-1`, ['infra.read']],
  [`${JENKINS} get-credentials system::system::jenkins`, ['infra.read']],
  [`${JENKINS} console deploy-prod`, ['infra.read']],
  [`${JENKINS} delete-job deploy-prod`, ['infra.destroy']],
  [`${JENKINS} delete-node agent-1`, ['infra.destroy']],
  [`${JENKINS} delete-view prod-view`, ['infra.destroy']],
  [`${JENKINS} -auth admin:token delete-builds deploy-prod 1-100`, ['infra.destroy']],
  [
    'java -jar /opt/jenkins/jenkins-cli.jar -s https://ci/ -webSocket delete-credentials system::system::jenkins _ old',
    ['cred.manage', 'infra.destroy'],
  ],
  ['java -cp lib -jar jenkins-cli.jar -s u delete-node n', ['infra.destroy']],
  ['java -jar jenkins-cli-2.440.jar -s https://ci/ build deploy-prod -p ENV=prod', ['infra.change']],
  ['java -Xmx256m -jar jenkins-cli.jar -s https://ci/ groovy =', ['infra.change']],
  [`${JENKINS} create-job new`, ['infra.change']],
  [`${JENKINS} disable-job deploy-prod`, ['infra.change']],
  [`${JENKINS} safe-restart`, ['infra.change']],
  [`${JENKINS} update-credentials-by-xml system::system::jenkins _ id`, ['cred.manage', 'infra.change']],
  [`${JENKINS} frobnicate`, []],
  // only the Jenkins CLI jar, launched with -jar
  ['java -jar app.jar delete-job x', []],
  ['java Main -jar jenkins-cli.jar delete-job x', []],
  ['java -cp jenkins-cli.jar hudson.cli.CLI -s https://ci/ delete-job x', []],
  ['java -jar', []],
  ['java -version', []],
];

describe('circleci', () => {
  it.each(CIRCLECI)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('gitlab-runner', () => {
  it.each(GITLAB_RUNNER)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('jenkins-cli through java', () => {
  it.each(JENKINS_CLI)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
