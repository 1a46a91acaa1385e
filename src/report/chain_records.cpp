#include "report/chain.hpp"

namespace steritrack::report {

// The records under the chain. Keys are text; content is json_array of every
// column the log or a recall depends on, so an edit to any of them shows.
// Each entry: {name, select_all, select_one} (see report/chain.hpp); a
// record type is added here with its first chain_record call. Alerts are
// under the chain from their acknowledgement on (compliance.md section 6):
// last_seen and message change on every repeat and are left out.
// select_one must find its row by an index: it runs on every append.
const std::vector<RecordType>& chained_record_types() {
  static const std::vector<RecordType> types = {
      // While a cycle is open (verified IS NULL) its samples and summary change
      // with every sample: the chain covers them from the verdict on, and the
      // fixed part of the cycle from its start.
      {"cycle",
       "SELECT sterilizer || '/' || cycle, json_array(sterilizer, cycle, program, program_kind, required_temp_c,"
       " required_exposure_s, tolerance_c, max_gap_s, max_leak_rate_kpa_min, start, end, operator, device_result,"
       " verified, reasons, iif(verified IS NULL, NULL, exposure_s), iif(verified IS NULL, NULL, min_temp_c),"
       " iif(verified IS NULL, NULL, max_temp_c), iif(verified IS NULL, NULL, f0_min),"
       " iif(verified IS NULL, NULL, sample_count), load, implants, bi, bi_lot, ci, bowie_dick, status, released_by,"
       " released_at), iif(verified IS NULL, NULL, samples) FROM cycles",
       "SELECT sterilizer || '/' || cycle, json_array(sterilizer, cycle, program, program_kind, required_temp_c,"
       " required_exposure_s, tolerance_c, max_gap_s, max_leak_rate_kpa_min, start, end, operator, device_result,"
       " verified, reasons, iif(verified IS NULL, NULL, exposure_s), iif(verified IS NULL, NULL, min_temp_c),"
       " iif(verified IS NULL, NULL, max_temp_c), iif(verified IS NULL, NULL, f0_min),"
       " iif(verified IS NULL, NULL, sample_count), load, implants, bi, bi_lot, ci, bowie_dick, status, released_by,"
       " released_at), iif(verified IS NULL, NULL, samples) FROM cycles"
       " WHERE sterilizer = substr(?1, 1, instr(?1, '/') - 1) AND cycle = substr(?1, instr(?1, '/') + 1)"},
      {"pack",
       "SELECT CAST(id AS TEXT), json_array(id, tray, state, assembled_at, assembled_by, station, counted, instruments,"
       " missing, extra, load_id, loaded_at, cycle_row, expiry, released_at, case_label, issued_at, issued_by,"
       " returned_at, returned_by), NULL FROM packs",
       "SELECT CAST(id AS TEXT), json_array(id, tray, state, assembled_at, assembled_by, station, counted, instruments,"
       " missing, extra, load_id, loaded_at, cycle_row, expiry, released_at, case_label, issued_at, issued_by,"
       " returned_at, returned_by), NULL FROM packs WHERE id = CAST(?1 AS INTEGER)"},
      // A load becomes a record when its cycle starts; pending loads are not
      // part of the log (a cancelled one is deleted).
      {"load",
       "SELECT CAST(id AS TEXT), json_array(id, sterilizer, station, operator, created_at, cycle_row, bound_at,"
       " out_of_service), NULL FROM loads WHERE cycle_row IS NOT NULL",
       "SELECT CAST(id AS TEXT), json_array(id, sterilizer, station, operator, created_at, cycle_row, bound_at,"
       " out_of_service), NULL FROM loads WHERE cycle_row IS NOT NULL AND id = CAST(?1 AS INTEGER)"},
      {"indicator",
       "SELECT CAST(id AS TEXT), json_array(id, cycle_row, type, result, lot, operator, recorded_at), NULL"
       " FROM indicators",
       "SELECT CAST(id AS TEXT), json_array(id, cycle_row, type, result, lot, operator, recorded_at), NULL"
       " FROM indicators WHERE id = CAST(?1 AS INTEGER)"},
      {"release",
       "SELECT CAST(id AS TEXT), json_array(id, cycle_row, released_by, operator, override_reason, released_at), NULL"
       " FROM releases",
       "SELECT CAST(id AS TEXT), json_array(id, cycle_row, released_by, operator, override_reason, released_at), NULL"
       " FROM releases WHERE id = CAST(?1 AS INTEGER)"},
      // A recall with its scope (the cycles, in row order).
      {"recall",
       "SELECT CAST(r.id AS TEXT), json_array(r.id, r.cycle_row, r.indicator, r.opened_at, r.resolved_at,"
       " (SELECT json_group_array(cycle_row) FROM (SELECT cycle_row FROM recall_scope WHERE recall = r.id"
       " ORDER BY cycle_row))), NULL FROM recalls r",
       "SELECT CAST(r.id AS TEXT), json_array(r.id, r.cycle_row, r.indicator, r.opened_at, r.resolved_at,"
       " (SELECT json_group_array(cycle_row) FROM (SELECT cycle_row FROM recall_scope WHERE recall = r.id"
       " ORDER BY cycle_row))), NULL FROM recalls r WHERE r.id = CAST(?1 AS INTEGER)"},
      {"alert",
       "SELECT CAST(id AS TEXT), json_array(id, kind, subject, severity, state, first_seen, acknowledged_by,"
       " acknowledged_at, resolved_at), NULL FROM alerts WHERE acknowledged_by IS NOT NULL",
       "SELECT CAST(id AS TEXT), json_array(id, kind, subject, severity, state, first_seen, acknowledged_by,"
       " acknowledged_at, resolved_at), NULL FROM alerts WHERE id = CAST(?1 AS INTEGER)"},
  };
  return types;
}

}  // namespace steritrack::report
