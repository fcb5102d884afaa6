#!/usr/bin/env node
/* global process */
/**
 * The smallest aedes 1.x broker: in-memory persistence, one TCP listener on 127.0.0.1.
 *   node bench/aedes-server.mjs <port>
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2] ?? 1883);
const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(port, '127.0.0.1');
const stop = () => { server.close(); broker.close(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
