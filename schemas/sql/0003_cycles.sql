-- Sterilization cycles: one row per run of a sterilizer, with its summary,
-- its samples (compact blob) and its verdict; sterilizer faults.

-- One run of a sterilizer. Program parameters are copied in at cycle_start
-- so the record stays self-contained when programs.toml changes. Times are
-- RFC 3339 UTC to the second ("2026-11-27T07:52:00Z"): fixed width, so text
-- order is time order and the log's range scans use the indexes.
CREATE TABLE cycles (
  id                  INTEGER PRIMARY KEY,
  sterilizer          TEXT NOT NULL REFERENCES sterilizers (id),
  cycle               TEXT NOT NULL,
  program             TEXT NOT NULL,
  program_kind        TEXT NOT NULL CHECK (program_kind IN ('load', 'air_removal_test', 'leak_test')),
  required_temp_c     REAL NOT NULL,
  required_exposure_s REAL NOT NULL,
  tolerance_c         REAL NOT NULL,
  max_gap_s           REAL NOT NULL,
  max_leak_rate_kpa_min REAL,        -- leak tests only
  start               TEXT NOT NULL,
  end                 TEXT,          -- the device's cycle_end time; NULL until it comes
  operator            TEXT,
  device_result       TEXT CHECK (device_result IN ('pass', 'fail', 'aborted')),
  verified            TEXT CHECK (verified IN ('pass', 'fail', 'incomplete')),  -- NULL while open
  reasons             TEXT,          -- JSON array of the verdict's reasons and notes
  exposure_s          REAL,
  min_temp_c          REAL,
  max_temp_c          REAL,
  f0_min              REAL,
  sample_count        INTEGER NOT NULL DEFAULT 0,
  samples             BLOB,          -- compact encoding, see sterilization/samples.hpp
  -- Kept up to date by the sterilization workflow so the log is one indexed
  -- scan of this table (compliance.md section 1).
  load                TEXT,          -- the packs' tray IDs, ';'-separated
  implants            INTEGER NOT NULL DEFAULT 0,
  bi                  TEXT,          -- negative, positive, pending
  bi_lot              TEXT,
  ci                  TEXT,          -- pass, fail
  bowie_dick          TEXT,          -- pass, fail
  status              TEXT CHECK (status IN ('released', 'quarantined', 'failed', 'recalled', 'test')),
  released_by         TEXT,
  released_at         TEXT,
  last_event_at       TEXT,          -- daemon time of the cycle's last event
  UNIQUE (sterilizer, cycle)
);
CREATE INDEX cycles_start ON cycles (start);
CREATE INDEX cycles_sterilizer_start ON cycles (sterilizer, start);
CREATE INDEX cycles_open ON cycles (sterilizer) WHERE verified IS NULL;

-- Faults a sterilizer reported (an event is identified by sterilizer, type,
-- cycle and time: a repeat is ignored).
CREATE TABLE sterilizer_faults (
  id          INTEGER PRIMARY KEY,
  sterilizer  TEXT NOT NULL REFERENCES sterilizers (id),
  cycle       TEXT NOT NULL DEFAULT '',  -- the cycle it belongs to; '' when none was open
  ts          TEXT NOT NULL,
  code        TEXT NOT NULL,
  message     TEXT NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (sterilizer, cycle, ts, code)
);
