// Checks slack-sim against Slack's own Node SDK: if an official client
// rejects something the stand-in does, the stand-in is wrong.
// Run: SLACK_SIM=/path/to/slack-sim node --test check.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketModeClient, LogLevel as SocketLogLevel } from '@slack/socket-mode';
import { WebClient, LogLevel } from '@slack/web-api';

const simPath = process.env.SLACK_SIM;
let sim;
let dir;
let base;

async function control(path, body) {
  const init = body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  };
  const res = await fetch(`${base}/_sim/${path}`, init);
  return res.json();
}

async function waitFor(predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(50);
  }
}

before(async () => {
  assert.ok(simPath, 'set SLACK_SIM to the slack-sim binary');
  dir = mkdtempSync(join(tmpdir(), 'sdk-check-'));
  const portFile = join(dir, 'port');
  sim = spawn(simPath, ['--port', '0', '--port-file', portFile, '--ping-interval', '2s'],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await waitFor(() => {
    try { return Number(readFileSync(portFile, 'utf8').trim()) || 0; } catch { return 0; }
  });
  base = `http://127.0.0.1:${port}`;
});

after(() => {
  sim?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('SocketModeClient connects, receives an envelope and acks it', async () => {
  const client = new SocketModeClient({
    appToken: 'xapp-test',
    logLevel: SocketLogLevel.ERROR,
    clientOptions: { slackApiUrl: `${base}/api/` },
  });
  const received = new Promise((resolve) => {
    client.on('app_mention', async ({ ack, envelope_id, event, retry_num }) => {
      await ack();
      resolve({ envelope_id, event, retry_num });
    });
  });
  await client.start();
  try {
    const sent = await control('event', { event: { type: 'app_mention', text: 'hi', user: 'U0ALICE01' } });
    assert.equal(sent.ok, true);
    const got = await received;
    assert.equal(got.envelope_id, sent.envelope_id);
    assert.equal(got.event.text, 'hi');
    const acked = await waitFor(async () => {
      const acks = await control('acks');
      return acks.find((a) => a.envelope_id === sent.envelope_id && a.state === 'acked');
    });
    assert.ok(acked.ack_latency_us >= 0);
    const connections = await control('connections');
    assert.equal(connections.open, 1);
  } finally {
    await client.disconnect();
  }
});

test('SocketModeClient reconnects after a refresh_requested disconnect', async () => {
  const client = new SocketModeClient({
    appToken: 'xapp-test',
    logLevel: SocketLogLevel.ERROR,
    clientOptions: { slackApiUrl: `${base}/api/` },
  });
  await client.start();
  try {
    const before = (await control('connections')).total_opened;
    await control('disconnect', { reason: 'refresh_requested' });
    await waitFor(async () => (await control('connections')).total_opened > before, 20000);
    await waitFor(async () => (await control('connections')).open === 1, 20000);
  } finally {
    await client.disconnect();
  }
});

test('WebClient posts with chat.postMessage', async () => {
  const web = new WebClient('xoxb-test', { slackApiUrl: `${base}/api/`, logLevel: LogLevel.ERROR });
  const auth = await web.auth.test();
  assert.equal(auth.ok, true);
  const res = await web.chat.postMessage({
    channel: 'C0SDKCHK01',
    text: 'from the SDK',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
  });
  assert.equal(res.ok, true);
  assert.match(res.ts, /^\d{10}\.\d{6}$/);
  const shown = await control('messages?channel=C0SDKCHK01');
  assert.equal(shown.messages[0].text, 'from the SDK');
  assert.equal(shown.messages[0].blocks[0].text.text, '*hi*');
  await assert.rejects(web.chat.postMessage({ channel: 'nope', text: 'x' }),
    (err) => err.data?.error === 'channel_not_found');
});

test('WebClient retries after a 429 from the stand-in and then succeeds', async () => {
  const web = new WebClient('xoxb-test', { slackApiUrl: `${base}/api/`, logLevel: LogLevel.ERROR });
  let rateLimitedFor = null;
  web.on('rate_limited', (seconds) => { rateLimitedFor = seconds; });
  await control('fault', { method: 'chat.postMessage', count: 1, retry_after: 1 });
  const started = Date.now();
  const res = await web.chat.postMessage({ channel: 'C0SDKCHK02', text: 'after the limit' });
  assert.equal(res.ok, true);
  assert.equal(rateLimitedFor, 1);
  assert.ok(Date.now() - started >= 900, 'the client waited for Retry-After');
  const calls = (await control('calls')).filter((c) => c.params.channel === 'C0SDKCHK02');
  assert.deepEqual(calls.map((c) => c.status), [429, 200]);
});
