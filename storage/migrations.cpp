#include "storage/migrations.h"

namespace leadrouter::storage {
namespace {

// Times are INTEGER milliseconds since the Unix epoch (UTC). JSON columns
// hold text written by nlohmann::json. Booleans are 0/1 integers.
constexpr char kInitialSchema[] = R"sql(
CREATE TABLE leads (
  id             INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  source         TEXT    NOT NULL DEFAULT '',
  status         TEXT    NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'spam')),
  segment        TEXT    NOT NULL,
  intent         TEXT    NOT NULL,
  score          INTEGER NOT NULL DEFAULT 0,
  name           TEXT    NOT NULL DEFAULT '',
  email          TEXT    NOT NULL DEFAULT '',
  phone_e164     TEXT    NOT NULL DEFAULT '',
  crm_id         TEXT    NOT NULL DEFAULT '',
  owner_slack_id TEXT,
  claimed_at     INTEGER,
  taken_over_at  INTEGER,
  contacted_at   INTEGER,
  repeat_count   INTEGER NOT NULL DEFAULT 0,
  lead_json      TEXT    NOT NULL,
  messages       TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX leads_by_crm_id ON leads (crm_id) WHERE crm_id <> '';
CREATE INDEX leads_by_owner ON leads (owner_slack_id)
  WHERE owner_slack_id IS NOT NULL;

-- Dedupe identities ("email:…", "phone:…"); one lead may have several and,
-- across dedupe windows, one key may name several leads.
CREATE TABLE lead_keys (
  key        TEXT    NOT NULL,
  lead_id    INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (key, lead_id)
);
CREATE INDEX lead_keys_by_lead ON lead_keys (lead_id);

CREATE TABLE timeline_events (
  id      INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  at      INTEGER NOT NULL,
  kind    TEXT    NOT NULL,
  detail  TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX timeline_events_by_lead ON timeline_events (lead_id, at, id);

-- work_start/work_end: minutes after local midnight in `timezone`;
-- NULL means no working hours are enforced.
CREATE TABLE agents (
  slack_id     TEXT    PRIMARY KEY,
  name         TEXT    NOT NULL,
  position     INTEGER NOT NULL,
  weight       INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
  daily_cap    INTEGER NOT NULL DEFAULT 0 CHECK (daily_cap >= 0),
  paused       INTEGER NOT NULL DEFAULT 0,
  paused_until INTEGER,
  timezone     TEXT    NOT NULL DEFAULT '',
  work_start   INTEGER,
  work_end     INTEGER,
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL
);

-- Exactly one row: where the round-robin stands.
CREATE TABLE rotation_state (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  cursor        INTEGER NOT NULL DEFAULT 0,
  turn          INTEGER NOT NULL DEFAULT 0,
  last_slack_id TEXT,
  updated_at    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO rotation_state (id) VALUES (1);

-- `day` is the agent's local calendar day, 'YYYY-MM-DD'.
CREATE TABLE agent_daily_counts (
  slack_id TEXT    NOT NULL REFERENCES agents (slack_id) ON DELETE CASCADE,
  day      TEXT    NOT NULL,
  count    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (slack_id, day)
);

CREATE TABLE slack_messages (
  id         INTEGER PRIMARY KEY,
  lead_id    INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  channel    TEXT    NOT NULL,
  ts         TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (channel, ts)
);
CREATE INDEX slack_messages_by_lead ON slack_messages (lead_id);

-- The outbox. lead_id deliberately has no foreign key: ops alerts and
-- other lead-less work share the table, and a job must never block a write.
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL,
  lead_id      INTEGER,
  payload      TEXT    NOT NULL DEFAULT '{}',
  state        TEXT    NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'running', 'done', 'cancelled',
                                'dead')),
  due_at       INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  last_error   TEXT    NOT NULL DEFAULT '',
  finished_at  INTEGER
);
CREATE INDEX jobs_by_state_due ON jobs (state, due_at, id);
CREATE INDEX jobs_by_lead ON jobs (lead_id, state) WHERE lead_id IS NOT NULL;

CREATE TABLE idempotency_keys (
  client       TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (client, key)
);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);

CREATE TABLE crm_events (
  event_id    TEXT    PRIMARY KEY,
  received_at INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  lead_id     INTEGER REFERENCES leads (id) ON DELETE SET NULL,
  matched     INTEGER NOT NULL,
  payload     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX crm_events_by_lead ON crm_events (lead_id)
  WHERE lead_id IS NOT NULL;
)sql";

// Agents get the e-mail the CRM knows them by, so a CRM owner can be
// matched to one of our agents.
constexpr char kAgentEmail[] = R"sql(
ALTER TABLE agents ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE INDEX agents_by_email ON agents (email) WHERE email <> '';
)sql";

// The rotation remembers how far the current agent's block of turns has
// gone (weight N = N consecutive turns), and agents get working days.
// agent_daily_counts.day is from now on the team's local date (caps reset
// at the team's midnight), whatever the agent's own zone.
constexpr char kRotationBlocks[] = R"sql(
ALTER TABLE rotation_state ADD COLUMN turns_used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN work_days INTEGER NOT NULL DEFAULT 127;
)sql";

// Who made the first human contact count: the owner at that moment, and how
// long they had owned the lead (time to first contact per agent, apart from
// the lead's own wait since it arrived).
constexpr char kFirstContactOwner[] = R"sql(
ALTER TABLE leads ADD COLUMN first_contact_owner TEXT;
ALTER TABLE leads ADD COLUMN first_contact_wait_ms INTEGER;
CREATE INDEX leads_by_contacted ON leads (contacted_at)
  WHERE contacted_at IS NOT NULL;
)sql";

// Follow-up state. consent_records is append-only history: each row is what
// one submission (or opt-out, or START) stated, with its source and time.
// opt_outs holds one row per (channel, address) that must not be messaged,
// whatever lead it arrives on. sequence_enrollments is at most one per lead;
// channel_stops records a channel permanently failed for one lead.
constexpr char kFollowUp[] = R"sql(
CREATE TABLE consent_records (
  id             INTEGER PRIMARY KEY,
  lead_id        INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  flag           TEXT    NOT NULL
                         CHECK (flag IN ('marketing', 'sms', 'email')),
  granted        INTEGER NOT NULL,
  source         TEXT    NOT NULL DEFAULT '',
  policy_version TEXT    NOT NULL DEFAULT '',
  recorded_at    INTEGER NOT NULL
);
CREATE INDEX consent_records_by_lead
  ON consent_records (lead_id, flag, recorded_at, id);

CREATE TABLE opt_outs (
  channel TEXT    NOT NULL CHECK (channel IN ('sms', 'email')),
  address TEXT    NOT NULL CHECK (address <> ''),
  source  TEXT    NOT NULL DEFAULT '',
  detail  TEXT    NOT NULL DEFAULT '',
  at      INTEGER NOT NULL,
  PRIMARY KEY (channel, address)
);

CREATE TABLE sequence_enrollments (
  lead_id     INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  segment     TEXT    NOT NULL,
  enrolled_at INTEGER NOT NULL
);

CREATE TABLE channel_stops (
  lead_id    INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  channel    TEXT    NOT NULL,
  reason     TEXT    NOT NULL DEFAULT '',
  stopped_at INTEGER NOT NULL,
  PRIMARY KEY (lead_id, channel)
);
)sql";

// Ops alert groups (storage/alert_store): one row per group key, so an
// outage in progress survives a restart without a second alert. `first`
// is the group's first problem in a few words; `alert_job_id` the opening
// alert's job, pulled forward when the recovery note is written.
// Leads by source, for the lead volume watch (case-insensitive, as the
// config names sources).
constexpr char kAlertGroups[] = R"sql(
CREATE TABLE alert_groups (
  key           TEXT    PRIMARY KEY,
  open          INTEGER NOT NULL DEFAULT 0,
  opened_at     INTEGER NOT NULL,
  last_event_at INTEGER NOT NULL,
  count         INTEGER NOT NULL DEFAULT 0,
  alerted       INTEGER NOT NULL DEFAULT 0,
  first         TEXT    NOT NULL DEFAULT '',
  alert_job_id  INTEGER,
  closed_at     INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX leads_by_source ON leads (source COLLATE NOCASE, created_at);
)sql";

// Job priority (storage/job_priority.h): NULL on rows written before this
// step until JobStore::AssignMissingPriorities gives them theirs at start.
// Job posts (storage/job_post_store.h): a posting job's intent, written
// before the Slack call, and the message it became (ts), so a job run
// again after a crash neither posts twice nor loses track of its post.
constexpr char kJobPriorityAndPosts[] = R"sql(
ALTER TABLE jobs ADD COLUMN priority INTEGER;
CREATE TABLE job_posts (
  job_id    INTEGER PRIMARY KEY,
  channel   TEXT    NOT NULL,
  ts        TEXT,
  intent_at INTEGER NOT NULL,
  posted_at INTEGER
);
)sql";

// A job that found its service unavailable (Slack, the SMS, e-mail or
// webhook provider down or answering 5xx/429) waits rather than fails:
// `waiting_on` names the service, `waiting_since` (ms) is when this wait
// began, so patience is measured and the service's return can wake it.
constexpr char kJobWaiting[] = R"sql(
ALTER TABLE jobs ADD COLUMN waiting_on TEXT;
ALTER TABLE jobs ADD COLUMN waiting_since INTEGER;
CREATE INDEX jobs_waiting ON jobs (waiting_on, state) WHERE waiting_on IS NOT NULL;
)sql";

// Pools and routes (storage/pool_store): each round-robin pool's own place
// in its turn order (the single rotation keeps rotation_state), and the
// route and pool each lead was sent to, with the routes tried before it,
// so its claim timeout and SLA reassignment follow that pool's fallback
// chain and `/leads why` can tell what happened. Daily counts stay per
// agent, so a cap counts across every pool.
constexpr char kPools[] = R"sql(
CREATE TABLE pool_rotation_state (
  pool          TEXT    PRIMARY KEY,
  cursor        INTEGER NOT NULL DEFAULT 0,
  turn          INTEGER NOT NULL DEFAULT 0,
  last_slack_id TEXT,
  turns_used    INTEGER NOT NULL DEFAULT 0,
  updated_at    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE lead_routes (
  lead_id    INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  route      TEXT    NOT NULL,
  pool       TEXT    NOT NULL,
  reason     TEXT    NOT NULL DEFAULT '',
  tried_json TEXT    NOT NULL DEFAULT '[]',
  routed_at  INTEGER NOT NULL
);
CREATE INDEX lead_routes_by_time ON lead_routes (routed_at);
)sql";

// Raw inbound e-mail, stored before it is parsed. message_key is the
// Message-ID, or "sha256:" and a hash of the bytes for a message without
// one, so a redelivery finds its first copy. outcome is 'pending' until a
// parse job has run.
constexpr char kInboundEmail[] = R"sql(
CREATE TABLE inbound_emails (
  id          INTEGER PRIMARY KEY,
  message_key TEXT    NOT NULL UNIQUE,
  via         TEXT    NOT NULL DEFAULT '',
  raw         BLOB    NOT NULL,
  received_at INTEGER NOT NULL,
  outcome     TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (outcome IN ('pending', 'lead', 'not_a_lead',
                                         'dead_letter', 'unknown_sender')),
  source      TEXT    NOT NULL DEFAULT '',
  why         TEXT    NOT NULL DEFAULT '',
  lead_id     INTEGER REFERENCES leads (id) ON DELETE SET NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX inbound_emails_by_outcome ON inbound_emails (outcome, received_at);
)sql";

// Where the IMAP poller is in each mailbox it reads: the mailbox's
// UIDVALIDITY and the highest UID whose message is stored and marked on the
// server. A message stored but not yet marked stays above last_uid, so it
// is fetched again (and recognised as a duplicate) after a crash.
constexpr char kImapState[] = R"sql(
CREATE TABLE imap_mailboxes (
  mailbox     TEXT    PRIMARY KEY,
  uidvalidity INTEGER NOT NULL,
  last_uid    INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL
);
)sql";

// Enrichment. enrichment_cache holds each provider's answer (the facts it
// mapped, as JSON) by the lookup's key, so a repeat within the cache's TTL
// costs no call. lead_enrichment is a lead's wait for its lookups: 'waiting'
// until they all answered or the deadline passed, then 'routed'; `pending`
// counts the lookups not answered yet.
constexpr char kEnrichment[] = R"sql(
CREATE TABLE enrichment_cache (
  provider   TEXT    NOT NULL,
  lookup_key TEXT    NOT NULL,
  facts      TEXT    NOT NULL,
  fetched_at INTEGER NOT NULL,
  PRIMARY KEY (provider, lookup_key)
);
CREATE TABLE lead_enrichment (
  lead_id      INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  state        TEXT    NOT NULL CHECK (state IN ('waiting', 'routed')),
  pending      INTEGER NOT NULL DEFAULT 0,
  requested_at INTEGER NOT NULL,
  routed_at    INTEGER
);
)sql";

// Each agent's DM channel (storage/dm_channel_store.h says why it is kept).
constexpr char kDmChannels[] = R"sql(
CREATE TABLE slack_dm_channels (
  user_id   TEXT    PRIMARY KEY,
  channel   TEXT    NOT NULL,
  opened_at INTEGER NOT NULL
);
)sql";

// The language model's checked readings, by (model, prompt version, hash
// of the cleaned text), and its calls per UTC day (llm.daily_limit).
constexpr char kLlm[] = R"sql(
CREATE TABLE llm_cache (
  model          TEXT    NOT NULL,
  prompt_version TEXT    NOT NULL,
  text_hash      TEXT    NOT NULL,
  reading        TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (model, prompt_version, text_hash)
);
CREATE TABLE llm_daily_calls (
  day   TEXT    PRIMARY KEY,
  calls INTEGER NOT NULL
);
)sql";

// Claiming walks the waiting jobs in priority order (JobStore::Claim): with
// this index a claim reads the due rows it takes plus the not-yet-due ones
// of a higher priority, instead of sorting every due row, which in a burst
// paced by Slack is thousands each time a slot frees.
constexpr char kJobClaimOrder[] = R"sql(
CREATE INDEX jobs_by_priority ON jobs (state, priority, due_at, id);
)sql";

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, kInitialSchema},
      {2, kAgentEmail},
      {3, kRotationBlocks},
      {4, kFirstContactOwner},
      {5, kFollowUp},
      {6, kAlertGroups},
      {7, kJobPriorityAndPosts},
      {8, kJobWaiting},
      {9, kPools},
      {10, kInboundEmail},
      {11, kImapState},
      {12, kEnrichment},
      {13, kDmChannels},
      {14, kLlm},
      {15, kJobClaimOrder},
  };
  return kMigrations;
}

}  // namespace leadrouter::storage
