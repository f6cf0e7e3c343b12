#!/usr/bin/env node
// A TCP proxy that adds latency, the user-space stand-in for `tc qdisc add dev lo root netem delay` on kernels built
// without netem (CONFIG_NET_SCH_NETEM unset, as on the machine the remote bench was written on). Every chunk of
// bytes is forwarded ONE_WAY ms after it arrived, in each direction, in order (a round trip costs 2 x ONE_WAY), and
// a new connection's first bytes reach the server no earlier than one round trip plus one way after the accept (the
// TCP handshake a delayed link would cost before the client could send). No bandwidth limit, no loss.
// Usage: node scripts/delay-proxy.mjs <upstream-port> <one-way-ms> [listen-port]; prints the port it listens on
// (127.0.0.1). The remote bench runs it, the servers and the scans inside one network namespace.
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

const upstream = Number(process.argv[2]);
const oneWay = Number(process.argv[3]);
const listenPort = Number(process.argv[4] ?? 0);
if (!Number.isInteger(upstream) || !(oneWay >= 0)) {
  process.stderr.write('usage: delay-proxy.mjs <upstream-port> <one-way-ms> [listen-port]\n');
  process.exit(2);
}

/** Forwards `from` to `to`, each chunk `oneWay` ms after it arrived and never before `notBefore` (ms clock). */
function pipeDelayed(from, to, notBefore) {
  let last = 0;
  from.on('data', (chunk) => {
    const at = Math.max(performance.now() + oneWay, notBefore, last);
    last = at;
    setTimeout(() => to.destroyed || to.write(chunk), Math.max(0, at - performance.now()));
  });
  from.on('end', () => {
    const at = Math.max(performance.now() + oneWay, last);
    setTimeout(() => to.destroyed || to.end(), Math.max(0, at - performance.now()));
  });
  from.on('error', () => to.destroy());
  from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, last - performance.now()) + oneWay + 1));
}

const server = createServer({ noDelay: true }, (client) => {
  const accepted = performance.now();
  const up = connect({ host: '127.0.0.1', port: upstream, noDelay: true });
  pipeDelayed(client, up, accepted + 3 * oneWay);
  pipeDelayed(up, client, 0);
});
server.listen(listenPort, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
