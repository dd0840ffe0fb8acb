import { describe, expect, it } from 'vitest';
import { type Case, sorted, tagsOf } from './_cases.ts';

const KAFKA: Case[] = [
  // reads
  ['kafka-topics --bootstrap-server localhost:9092 --list', ['infra.read']],
  ['kafka-topics --bootstrap-server localhost:9092 --describe --topic logs', ['infra.read']],
  ['kafka-topics --help', ['infra.read']],
  ['kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group billing', ['infra.read']],
  ['kafka-acls.sh --bootstrap-server b:9092 --list --topic t', ['infra.read']],
  [
    'kafka-configs.sh --bootstrap-server b:9092 --describe --entity-type brokers --entity-default',
    ['infra.read'],
  ],
  // --reset-offsets is a dry run unless --execute is given
  [
    'kafka-consumer-groups --bootstrap-server b:9092 --reset-offsets --group g --topic t --to-earliest',
    ['infra.read'],
  ],
  [
    'kafka-consumer-groups --bootstrap-server b:9092 --reset-offsets --group g --all-topics --to-earliest --dry-run',
    ['infra.read'],
  ],
  // destruction
  ['kafka-topics --bootstrap-server localhost:9092 --delete --topic payments', ['infra.destroy']],
  ['kafka-topics --bootstrap-server localhost:9092 --delete --topic __consumer_offsets', ['infra.destroy']],
  ['kafka-topics.sh --bootstrap-server kafka-prod:9092 --delete --topic payments', ['infra.destroy']],
  ['kafka-topics --bootstrap-server=localhost:9092 --delete --topic t', ['infra.destroy']],
  [
    'kafka-delete-records --bootstrap-server localhost:9092 --offset-json-file offsets.json',
    ['infra.destroy'],
  ],
  ['kafka-delete-records.sh --bootstrap-server b:9092 --offset-json-file o.json', ['infra.destroy']],
  ['kafka-consumer-groups --bootstrap-server localhost:9092 --delete --group billing', ['infra.destroy']],
  [
    'kafka-consumer-groups.sh --bootstrap-server b:9092 --delete-offsets --group g --topic t',
    ['infra.destroy'],
  ],
  [
    'kafka-acls --bootstrap-server localhost:9092 --remove --topic payments --operation All',
    ['cred.manage', 'infra.destroy'],
  ],
  ['kafka-delete-records --help', ['infra.read']],
  ['kafka-delete-records', []],
  // changes
  [
    'kafka-configs --bootstrap-server localhost:9092 --alter --delete-config retention.ms --entity-type topics --entity-name logs',
    ['infra.change'],
  ],
  [
    'kafka-configs --bootstrap-server b:9092 --alter --entity-type topics --entity-name t --add-config retention.ms=1000',
    ['infra.change'],
  ],
  ['kafka-topics --bootstrap-server localhost:9092 --alter --topic t --partitions 6', ['infra.change']],
  [
    'kafka-consumer-groups --bootstrap-server b:9092 --reset-offsets --group g --all-topics --to-earliest --execute',
    ['infra.change'],
  ],
  // a new topic on this machine is development; anywhere else it is a change
  ['kafka-topics --bootstrap-server localhost:9092 --create --topic new-topic --partitions 3', []],
  ['kafka-topics --bootstrap-server localhost:9092,127.0.0.1:9093 --create --topic t', []],
  ['kafka-topics --bootstrap-server kafka-prod:9092 --create --topic t --partitions 3', ['infra.change']],
  ['kafka-topics --bootstrap-server localhost:9092,kafka-prod:9092 --create --topic t', ['infra.change']],
  ['kafka-topics --bootstrap-server $BROKER --create --topic t', ['infra.change']],
  // credentials
  [
    "kafka-configs --bootstrap-server b:9092 --alter --entity-type users --entity-name alice --add-config 'SCRAM-SHA-256=[password=s3cret]'",
    ['cred.manage', 'infra.change'],
  ],
  [
    'kafka-configs --bootstrap-server b:9092 --alter --entity-type users --entity-name alice --delete-config SCRAM-SHA-512',
    ['cred.manage', 'infra.change'],
  ],
  [
    'kafka-acls --bootstrap-server b:9092 --add --allow-principal User:bob --operation Read --topic t',
    ['cred.manage', 'infra.change'],
  ],
  // other Kafka scripts are not recognized
  ['kafka-broker-api-versions --bootstrap-server localhost:9092', []],
];

const RABBITMQ: Case[] = [
  ['rabbitmqctl list_users', ['infra.read']],
  ['rabbitmqctl list_queues -p /prod name messages', ['infra.read']],
  ['rabbitmqctl --node rabbit@prod list_connections', ['infra.read']],
  ['rabbitmqctl cluster_status', ['infra.read']],
  ['rabbitmqctl status', ['infra.read']],
  ['rabbitmqctl delete_vhost /prod', ['infra.destroy']],
  ['rabbitmqctl -n rabbit@prod delete_queue jobs', ['infra.destroy']],
  ['rabbitmqctl purge_queue -p /prod jobs', ['infra.destroy']],
  ['rabbitmqctl reset', ['infra.destroy']],
  ['rabbitmqctl force_reset', ['infra.destroy']],
  ['rabbitmqctl delete_user deployer', ['cred.manage', 'infra.destroy']],
  ['rabbitmqctl delete-user bob', ['cred.manage', 'infra.destroy']],
  ['rabbitmqctl clear_permissions -p /prod deployer', ['cred.manage']],
  ['rabbitmqctl add_user deployer s3cret', ['cred.manage']],
  ['rabbitmqctl change_password deployer n3w', ['cred.manage']],
  ["rabbitmqctl set_permissions -p /prod deployer '.*' '.*' '.*'", ['cred.manage']],
  ['rabbitmqctl set_policy ha-all \'^\' \'{"ha-mode":"all"}\'', ['infra.change']],
  ['rabbitmqctl clear_policy ha-all', ['infra.change']],
  ['rabbitmqctl add_vhost /qa', ['infra.change']],
  ['rabbitmqctl stop_app', ['infra.change']],
  ["rabbitmqctl eval 'rabbit_mnesia:reset().'", ['infra.change']],
  ['rabbitmqctl frobnicate', []],
  ['rabbitmq-diagnostics ping', []],
  ['rabbitmqadmin list queues', ['infra.read']],
  ['rabbitmqadmin list users', ['infra.read']],
  ['rabbitmqadmin show overview', ['infra.read']],
  ['rabbitmqadmin export defs.json', ['infra.read']],
  ['rabbitmqadmin get queue=jobs', ['infra.read']],
  ['rabbitmqadmin get queue=jobs ackmode=ack_requeue_false', ['infra.change']],
  ['rabbitmqadmin delete queue name=jobs', ['infra.destroy']],
  ['rabbitmqadmin delete exchange name=amq.topic', ['infra.destroy']],
  ['rabbitmqadmin -H prod -u admin -p pw delete queue name=jobs', ['infra.destroy']],
  ['rabbitmqadmin purge queue name=jobs', ['infra.destroy']],
  ['rabbitmqadmin delete user name=bob', ['cred.manage', 'infra.destroy']],
  ['rabbitmqadmin declare queue name=jobs durable=true', ['infra.change']],
  ['rabbitmqadmin declare user name=bob password=pw tags=', ['cred.manage', 'infra.change']],
  [
    'rabbitmqadmin declare permission vhost=/ user=bob configure=.* write=.* read=.*',
    ['cred.manage', 'infra.change'],
  ],
  ['rabbitmqadmin publish exchange=amq.default routing_key=jobs payload=hi', ['infra.change']],
  ['rabbitmqadmin import defs.json', ['infra.change']],
];

const NATS: Case[] = [
  ['nats stream list', ['infra.read']],
  ['nats stream info ORDERS', ['infra.read']],
  ['nats stream view ORDERS', ['infra.read']],
  ['nats stream backup ORDERS /tmp/b', ['infra.read']],
  ['nats consumer info ORDERS CONSUMER1', ['infra.read']],
  ['nats kv ls CONFIG', ['infra.read']],
  ['nats kv get CONFIG api-key', ['infra.read']],
  ['nats kv history CONFIG k', ['infra.read']],
  ['nats obj get ASSETS file', ['infra.read']],
  ['nats bucket list', ['infra.read']],
  ['nats server list', ['infra.read']],
  ['nats account info', ['infra.read']],
  ['nats context ls', ['infra.read']],
  ['nats stream delete ORDERS', ['infra.destroy']],
  ['nats -s nats://prod:4222 stream rm ORDERS -f', ['infra.destroy']],
  ['nats --context prod stream delete ORDERS', ['infra.destroy']],
  ['nats stream purge ORDERS', ['infra.destroy']],
  ['nats str purge ORDERS --force', ['infra.destroy']],
  ['nats stream rmm ORDERS 42', ['infra.destroy']],
  ['nats consumer delete ORDERS CONSUMER1', ['infra.destroy']],
  ['nats kv del CONFIG api-key --purge', ['infra.destroy']],
  ['nats kv purge CONFIG', ['infra.destroy']],
  ['nats kv rm CONFIG', ['infra.destroy']],
  ['nats kv compact CONFIG', ['infra.destroy']],
  ['nats object rm ASSETS', ['infra.destroy']],
  ['nats bucket delete CONFIG', ['infra.destroy']],
  ["nats stream add ORDERS --subjects 'orders.*'", ['infra.change']],
  ['nats stream edit ORDERS --max-age 1h', ['infra.change']],
  ['nats stream seal ORDERS', ['infra.change']],
  ['nats stream restore /tmp/b', ['infra.change']],
  ['nats consumer add ORDERS C1 --pull', ['infra.change']],
  ['nats consumer next ORDERS C1', ['infra.change']],
  ['nats kv put CONFIG k v', ['infra.change']],
  ['nats obj put ASSETS ./file', ['infra.change']],
  // local settings and messages are not recognized
  ['nats context add prod --server nats://prod:4222', []],
  ['nats context rm prod', []],
  ['nats pub orders.new hi', []],
  ["nats sub 'orders.>'", []],
];

describe('kafka admin scripts', () => {
  it.each(KAFKA)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('rabbitmqctl, rabbitmqadmin', () => {
  it.each(RABBITMQ)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('nats', () => {
  it.each(NATS)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
