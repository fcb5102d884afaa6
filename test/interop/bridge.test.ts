/**
 * Bridges between the port and Debian's mosquitto 2.0.11: the port's bridge connects to the real
 * broker (and the real broker's bridge to the port), and QoS 1 messages cross in both directions,
 * with the bridge's state notification on the remote side.
 * Needs the port built (`npx tsc -p tsconfig.json`).
 */
import { hostname } from 'node:os';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startDebian, startPort, stopAll } from './helpers/broker.js';
import type { RunningBroker } from './helpers/broker.js';
import { mqttClient, until } from './helpers/clients.js';

interface received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

/** Connects an MQTT.js client that records every message it gets. */
async function recorder(port: number, clientId: string): Promise<{ client: MqttClient; got: received[] }> {
  const got: received[] = [];
  const client = await mqttClient(port, { clientId }, (c) => {
    c.on('message', (topic, payload, packet) => {
      got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
    });
  });
  return { client, got };
}

/** Subscribes and waits for the SUBACK. */
function subscribe(c: MqttClient, filter: string, qos: 0 | 1 | 2): Promise<void> {
  return new Promise((res, rej) => c.subscribe(filter, { qos }, (err) => (err ? rej(err) : res())));
}

/** Publishes and waits for the PUBACK (QoS 1). */
function publish(c: MqttClient, topic: string, payload: string, qos: 0 | 1 | 2): Promise<void> {
  return new Promise((res, rej) => c.publish(topic, payload, { qos }, (err) => (err ? rej(err) : res())));
}

/** Bridge config for a `connection` to 127.0.0.1:port carrying out/# outwards and in/# inwards. */
function bridge_conf(name: string, port: number): string {
  return `allow_anonymous true\n\nconnection ${name}\naddress 127.0.0.1:${port}\n`
    + 'topic out/# out 1\ntopic in/# in 1\nrestart_timeout 1\n';
}

/** Carries one QoS 1 message local -> remote over out/#, and one remote -> local over in/#. */
async function both_ways(local: RunningBroker, remote: RunningBroker, tag: string): Promise<void> {
  const l = await recorder(local.port, `${tag}-local`);
  const r = await recorder(remote.port, `${tag}-remote`);
  try {
    await subscribe(r.client, 'out/#', 1);
    await subscribe(l.client, 'in/#', 1);

    await publish(l.client, 'out/a', 'to remote', 1);
    await until(() => r.got.some((m) => m.topic === 'out/a'), 5000, 'out/a on the remote broker');
    expect(r.got.find((m) => m.topic === 'out/a')).toEqual({ topic: 'out/a', payload: 'to remote', qos: 1, retain: false });

    await publish(r.client, 'in/b', 'to local', 1);
    await until(() => l.got.some((m) => m.topic === 'in/b'), 5000, 'in/b on the local broker');
    expect(l.got.find((m) => m.topic === 'in/b')).toEqual({ topic: 'in/b', payload: 'to local', qos: 1, retain: false });
  } finally {
    l.client.end(true);
    r.client.end(true);
  }
}

describe('bridge between the port and Debian mosquitto 2.0.11', () => {
  afterAll(stopAll);

  it('the port bridges to mosquitto: QoS 1 both ways, state notification "1" retained remotely', async () => {
    const remote = await startDebian('allow_anonymous true\n');
    const local = await startPort(bridge_conf('port2real', remote.port), { verbose: true });
    await local.waitForLine(/Received CONNACK on connection local\..*port2real\./, 10000);
    /* The remote SUBSCRIBE goes out right after CONNACK; give it its SUBACK. */
    await local.waitForLine(/Received SUBACK from local\..*port2real/, 5000);

    await both_ways(local, remote, 'p2r');

    const state = await recorder(remote.port, 'p2r-state');
    try {
      await subscribe(state.client, `$SYS/broker/connection/${hostname()}.port2real/state`, 1);
      await until(() => state.got.length > 0, 5000, 'the bridge state notification');
      expect(state.got[0]).toMatchObject({ payload: '1', retain: true });
    } finally {
      state.client.end(true);
    }
    await local.stop();
    await remote.stop();
  }, 30000);

  it('mosquitto bridges to the port: QoS 1 both ways', async () => {
    const remote = await startPort('allow_anonymous true\n', { verbose: true });
    const local = await startDebian(bridge_conf('real2port', remote.port));
    await remote.waitForLine(/Sending SUBACK to .*real2port/, 10000);

    await both_ways(local, remote, 'r2p');
    await local.stop();
    await remote.stop();
  }, 30000);

  it('the port bridge reconnects after the remote broker restarts, and says "0" then "1" locally', async () => {
    const remote = await startDebian('allow_anonymous true\n');
    const port = remote.port;
    const local = await startPort(bridge_conf('restart', port), { verbose: true });
    await local.waitForLine(/Received SUBACK from local\..*restart/, 10000);

    const state = await recorder(local.port, 'restart-state');
    try {
      await subscribe(state.client, `$SYS/broker/connection/${hostname()}.restart/state`, 1);
      await until(() => state.got.length > 0, 5000, 'the retained state');
      expect(state.got.map((m) => m.payload)).toEqual(['1']);

      await remote.stop();
      await until(() => state.got.length > 1, 5000, 'the "0" notification');
      expect(state.got[1].payload).toBe('0');

      const again = await startDebian('allow_anonymous true\n', { port });
      await until(() => state.got.length > 2, 10000, 'the "1" notification after reconnecting');
      expect(state.got[2].payload).toBe('1');
      await both_ways(local, again, 'restart');
      await again.stop();
    } finally {
      state.client.end(true);
    }
    await local.stop();
  }, 40000);
});
