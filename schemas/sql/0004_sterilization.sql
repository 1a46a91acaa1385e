-- Trays, instruments, packs, loads, indicators, releases, recalls.

CREATE TABLE trays (
  id              TEXT PRIMARY KEY,   -- the printed T- label
  name            TEXT NOT NULL,
  recipe          TEXT NOT NULL,      -- "mirror:2;probe:1"
  implants        INTEGER NOT NULL,
  shelf_life_days INTEGER             -- NULL: event-related, no date
);

CREATE TABLE instruments (
  id    TEXT PRIMARY KEY,   -- an I- label, or GTIN/serial for UDI-marked ones
  type  TEXT NOT NULL,
  name  TEXT NOT NULL
);

-- The packs put together for a sterilizer's next cycle. A load is pending
-- (cycle_row NULL) until the sterilizer's next load cycle starts; then it is
-- bound to that cycle for good. At most one pending load per sterilizer; a
-- cancelled pending load is deleted (it never became a record).
CREATE TABLE loads (
  id              INTEGER PRIMARY KEY,
  sterilizer      TEXT NOT NULL REFERENCES sterilizers (id),
  station         TEXT NOT NULL,      -- where it was loaded
  operator        TEXT,               -- last U- badge at that station while loading
  created_at      TEXT NOT NULL,
  cycle_row       INTEGER UNIQUE REFERENCES cycles (id),
  bound_at        TEXT,
  out_of_service  INTEGER NOT NULL DEFAULT 0  -- bound while the sterilizer was out of service: held
);
CREATE UNIQUE INDEX loads_one_pending ON loads (sterilizer) WHERE cycle_row IS NULL;

-- One sterile instance of a tray, from assembly until it is returned dirty
-- (state 'dirty'). A tray's current pack is its newest row; a failed pack
-- that is assembled again starts a new row and stays 'failed' itself.
CREATE TABLE packs (
  id            INTEGER PRIMARY KEY,
  tray          TEXT NOT NULL REFERENCES trays (id),
  state         TEXT NOT NULL CHECK (state IN ('dirty', 'assembled', 'loaded', 'processing', 'released',
                                               'quarantined', 'failed', 'recalled', 'issued')),
  assembled_at  TEXT NOT NULL,
  assembled_by  TEXT,
  station       TEXT,               -- where it was assembled
  counted       INTEGER NOT NULL,   -- 0: no instruments scanned (an uncounted pack)
  instruments   TEXT,               -- JSON array of the instrument IDs scanned
  missing       TEXT,               -- JSON object type -> count short of the recipe; NULL when uncounted
  extra         TEXT,               -- JSON object type -> count not in the recipe; NULL when uncounted
  load_id       INTEGER REFERENCES loads (id),
  loaded_at     TEXT,
  cycle_row     INTEGER REFERENCES cycles (id),
  expiry        TEXT,               -- YYYY-MM-DD, the last day of use; NULL: event-related
  released_at   TEXT,
  case_label    TEXT,               -- the C- label it was issued to
  issued_at     TEXT,
  issued_by     TEXT,
  returned_at   TEXT,
  returned_by   TEXT,
  updated_at    TEXT NOT NULL
);
CREATE INDEX packs_tray ON packs (tray, id);
CREATE INDEX packs_load ON packs (load_id);
CREATE INDEX packs_cycle ON packs (cycle_row);

-- Indicator results; a BI may be recorded days after its cycle. The log's
-- bi/ci/bowie_dick/bi_lot columns on cycles summarise these rows.
CREATE TABLE indicators (
  id          INTEGER PRIMARY KEY,
  cycle_row   INTEGER NOT NULL REFERENCES cycles (id),
  type        TEXT NOT NULL CHECK (type IN ('bi', 'ci', 'bowie-dick')),
  result      TEXT NOT NULL CHECK (result IN ('negative', 'positive', 'pass', 'fail')),
  lot         TEXT,
  operator    TEXT,
  recorded_at TEXT NOT NULL
);
CREATE INDEX indicators_cycle ON indicators (cycle_row);
CREATE INDEX indicators_type_recorded ON indicators (type, recorded_at);

-- Every release of a load: automatic (auto:cycle_verified, auto:bi_negative),
-- by a person, or an override (released_by 'override:<reason>').
CREATE TABLE releases (
  id              INTEGER PRIMARY KEY,
  cycle_row       INTEGER NOT NULL REFERENCES cycles (id),
  released_by     TEXT NOT NULL,      -- as in the log's released_by
  operator        TEXT,               -- the badge that asked for it, for CLI releases
  override_reason TEXT,
  released_at     TEXT NOT NULL
);
CREATE INDEX releases_cycle ON releases (cycle_row);

-- A recall opened by a positive BI on cycle_row; its scope is fixed when it
-- is opened (compliance.md section 5).
CREATE TABLE recalls (
  id          INTEGER PRIMARY KEY,
  cycle_row   INTEGER NOT NULL UNIQUE REFERENCES cycles (id),
  indicator   INTEGER NOT NULL REFERENCES indicators (id),
  opened_at   TEXT NOT NULL,
  resolved_at TEXT                  -- every pack in scope returned or reprocessed
);

CREATE TABLE recall_scope (
  recall    INTEGER NOT NULL REFERENCES recalls (id),
  cycle_row INTEGER NOT NULL REFERENCES cycles (id),
  PRIMARY KEY (recall, cycle_row)
);
CREATE INDEX recall_scope_cycle ON recall_scope (cycle_row);
