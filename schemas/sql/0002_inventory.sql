-- Supplies, lots, stock and its ledger, purchase orders, unknown codes.

CREATE TABLE supplies (
  code          TEXT PRIMARY KEY,   -- GTIN-14, or HIBC labeler+product
  name          TEXT NOT NULL,
  unit          TEXT NOT NULL,
  vendor        TEXT NOT NULL,
  par_level     INTEGER NOT NULL,
  reorder_point INTEGER NOT NULL,
  reorder_qty   INTEGER NOT NULL
);
CREATE INDEX supplies_vendor_name ON supplies (vendor, name);

-- A lot of a supply and its expiry. lot is '' for stock whose labels carry
-- no lot (a bare GTIN), so (supply, lot) stays unique. A lot has one expiry:
-- once known it is only ever replaced by an earlier one, never wiped.
CREATE TABLE lots (
  id      INTEGER PRIMARY KEY,
  supply  TEXT NOT NULL REFERENCES supplies (code),
  lot     TEXT NOT NULL,
  expiry  TEXT,                     -- YYYY-MM-DD, NULL when no label said
  UNIQUE (supply, lot)
);
CREATE INDEX lots_expiry ON lots (expiry) WHERE expiry IS NOT NULL;

-- On-hand per (lot, location), kept in the same transaction as the ledger.
-- Never negative: stock taken beyond the record is a discrepancy in the ledger.
CREATE TABLE stock (
  lot_id    INTEGER NOT NULL REFERENCES lots (id),
  location  TEXT NOT NULL,
  quantity  INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (lot_id, location)
) WITHOUT ROWID;

CREATE TABLE orders (
  id        INTEGER PRIMARY KEY,
  supply    TEXT NOT NULL REFERENCES supplies (code),
  quantity  INTEGER NOT NULL CHECK (quantity > 0),
  received  INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= quantity),
  status    TEXT NOT NULL CHECK (status IN ('open', 'partial', 'received', 'cancelled')),
  created   TEXT NOT NULL,
  closed_at TEXT                      -- fully received or cancelled
);
CREATE INDEX orders_outstanding ON orders (supply, id) WHERE status IN ('open', 'partial');

-- Every stock movement, append-only. A movement touching several lots (a
-- consumption spilling over to the next lot, a transfer) is several rows.
CREATE TABLE stock_ledger (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('receive', 'consume', 'count', 'transfer')),
  lot_id     INTEGER NOT NULL REFERENCES lots (id),
  location   TEXT NOT NULL,
  delta      INTEGER NOT NULL,          -- signed change of on-hand at (lot, location)
  balance    INTEGER NOT NULL,          -- on-hand at (lot, location) after the movement
  shortfall  INTEGER NOT NULL DEFAULT 0 CHECK (shortfall >= 0),  -- consumed beyond the recorded stock
  scan       INTEGER,                   -- scans.id when a scan caused it
  station    TEXT,
  operator   TEXT,
  source     TEXT NOT NULL              -- 'scan' or 'cli'
);
CREATE INDEX stock_ledger_lot ON stock_ledger (lot_id, id);
CREATE INDEX stock_ledger_shortfall ON stock_ledger (id) WHERE shortfall > 0;
CREATE TRIGGER stock_ledger_no_update BEFORE UPDATE ON stock_ledger
  BEGIN SELECT RAISE(ABORT, 'stock_ledger is append-only'); END;
CREATE TRIGGER stock_ledger_no_delete BEFORE DELETE ON stock_ledger
  BEGIN SELECT RAISE(ABORT, 'stock_ledger is append-only'); END;

-- Which receipt credited which order, and how much.
CREATE TABLE order_receipts (
  order_id   INTEGER NOT NULL REFERENCES orders (id),
  ledger_id  INTEGER NOT NULL REFERENCES stock_ledger (id),
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, ledger_id)
) WITHOUT ROWID;

-- Supply codes scanned but not in the catalog, for `steritrack supplies
-- unknown`. A row goes away when the code is imported.
CREATE TABLE unknown_codes (
  code          TEXT PRIMARY KEY,     -- GTIN-14 or HIBC labeler+product
  last_text     TEXT NOT NULL,        -- the last label text as scanned
  times_scanned INTEGER NOT NULL,
  last_station  TEXT NOT NULL,
  first_seen    TEXT NOT NULL,
  last_seen     TEXT NOT NULL
);
