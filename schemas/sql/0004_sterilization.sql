-- Trays, instruments, packs, loads, indicators, recalls.

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

