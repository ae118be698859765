// Runs the JS client (webroot/js/quotecast.js) under Node against a live gateway, with Node's own WebSocket
// (Node 20: started with --experimental-websocket; Node 22+: built in). Used by tests/client.test.js.
//
//   node --experimental-websocket tests/helpers/node-client.mjs ws://127.0.0.1:8080/ws
//
// Subscribes trade:600519.SH, drops and re-opens the connection mid-stream with reconnect(), and prints one JSON
// line: how many trades it got, whether their seqs were contiguous, what was recovered, and a sample price.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..',
  'gateway-verticle', 'src', 'main', 'resources', 'webroot', 'js', 'quotecast.js');
const { QuotecastClient } = await import(pathToFileURL(MODULE).href);

const url = process.argv[2];
const qc = new QuotecastClient({ url, client: 'e2e-node-client/1' });
const seqs = [];
const epochs = new Set();
let recovered = 0;
let samplePrice = null;
const recoveries = [];
const resets = [];
qc.on('recovery', (d) => recoveries.push(d));
qc.on('reset', (d) => resets.push(d.reason));
qc.subscribe('trade:600519.SH', (u) => {
  seqs.push(u.seq);
  epochs.add(u.epoch);
  if (u.recovered) recovered++;
  samplePrice ??= u.data.price;
});
const guard = setTimeout(() => { console.log(JSON.stringify({ error: 'timed out' })); process.exit(1); }, 20000);
await qc.connect();
await new Promise((r) => setTimeout(r, 2500));
const before = seqs.length;
await qc.reconnect();
await new Promise((r) => setTimeout(r, 2500));
await qc.close();
clearTimeout(guard);
let gaps = 0;
let dups = 0;
for (let i = 1; i < seqs.length; i++) {
  if (seqs[i] <= seqs[i - 1]) dups++;
  else if (seqs[i] !== seqs[i - 1] + 1) gaps++;
}
console.log(JSON.stringify({
  count: seqs.length, before, first: seqs[0], last: seqs[seqs.length - 1], gaps, dups, epochs: [...epochs],
  recovered, recoveries, resets, samplePrice, samplePriceType: typeof samplePrice,
}));
