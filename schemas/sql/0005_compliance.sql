-- Tamper evidence: the chain's head, kept by every append, so a chain whose
-- tail was cut off no longer matches it (report/chain.hpp). One row.
CREATE TABLE chain_head (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  seq         INTEGER NOT NULL,   -- seq of the last entry
  entry_hash  TEXT NOT NULL       -- its entry_hash
);
INSERT INTO chain_head (id, seq, entry_hash)
  SELECT 1, seq, entry_hash FROM chain ORDER BY seq DESC LIMIT 1;
CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head
  BEGIN SELECT RAISE(ABORT, 'chain head is kept by steritrack'); END;

