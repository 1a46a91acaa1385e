-- Supplies, lots, stock and its ledger, purchase orders.

CREATE TABLE supplies (
  code          TEXT PRIMARY KEY,   -- GTIN-14, or HIBC labeler+product
  name          TEXT NOT NULL,
  unit          TEXT NOT NULL,
  vendor        TEXT NOT NULL,
  par_level     INTEGER NOT NULL,
  reorder_point INTEGER NOT NULL,
  reorder_qty   INTEGER NOT NULL
);
