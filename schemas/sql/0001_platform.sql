-- Platform: sterilizers and stations (wiring from the daemon's config),
-- every scan, alerts, and the tamper-evident chain.

CREATE TABLE sterilizers (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('prevac', 'gravity')),
  profile         TEXT NOT NULL,
  in_service      INTEGER NOT NULL DEFAULT 1,
  negative_bi_needed INTEGER NOT NULL DEFAULT 0,  -- negative BIs still needed to return to service
  last_heard_at   TEXT                            -- last event or heartbeat (RFC 3339)
);

-- A station's state survives daemon restarts: mode, operator, location and
-- its open step (an assembly, a pending load, the case being issued to).
CREATE TABLE stations (
  id          TEXT PRIMARY KEY,
  location    TEXT,
  mode        TEXT NOT NULL DEFAULT 'idle',
  operator    TEXT,
  open_step   TEXT,           -- JSON, the mode's open work; NULL when none
  updated_at  TEXT
);

-- Every scan, accepted or refused.
CREATE TABLE scans (
  id        INTEGER PRIMARY KEY,
  scan_id   TEXT UNIQUE,      -- the sender's id (MQTT JSON scans): a repeat is applied once
  station   TEXT NOT NULL,
  source    TEXT NOT NULL,    -- mqtt, serial, evdev, image
  at        TEXT NOT NULL,
  operator  TEXT,
  mode      TEXT NOT NULL,
  code      TEXT NOT NULL,    -- the text as scanned
  ok        INTEGER NOT NULL,
  message   TEXT NOT NULL
);
CREATE INDEX scans_station_at ON scans (station, at);

CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,
  subject         TEXT NOT NULL,
  severity        TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  message         TEXT NOT NULL,
  first_seen      TEXT NOT NULL,
  last_seen       TEXT NOT NULL,
  acknowledged_by TEXT,
  acknowledged_at TEXT,
  resolved_at     TEXT,
  change_seq      INTEGER NOT NULL  -- grows on every change; MQTT delivery follows it
);
CREATE UNIQUE INDEX alerts_one_unresolved ON alerts (kind, subject) WHERE state <> 'resolved';
CREATE INDEX alerts_change_seq ON alerts (change_seq);

-- Append-only hash chain over the records the sterilization log depends on.
CREATE TABLE chain (
  seq           INTEGER PRIMARY KEY,
  record_type   TEXT NOT NULL,
  record_key    TEXT NOT NULL,
  at            TEXT NOT NULL,
  content_hash  TEXT NOT NULL,  -- SHA-256 (hex) of the record's canonical content
  prev_hash     TEXT NOT NULL,  -- entry_hash of seq-1 (64 zeros for the first)
  entry_hash    TEXT NOT NULL   -- SHA-256 over seq, type, key, at, content_hash, prev_hash
);
CREATE INDEX chain_record ON chain (record_type, record_key, seq);
-- Defence in depth only: verify does not rely on these triggers.
CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain BEGIN SELECT RAISE(ABORT, 'chain is append-only'); END;
CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain BEGIN SELECT RAISE(ABORT, 'chain is append-only'); END;
