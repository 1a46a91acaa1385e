#include "report/chain.hpp"

namespace steritrack::report {

// The records under the chain. Keys are text; content is json_array of every
// column the log or a recall depends on, so an edit to any of them shows.
const std::vector<RecordType>& chained_record_types() {
  static const std::vector<RecordType> types = {
      {"cycle",
       "SELECT sterilizer || '/' || cycle, json_array(sterilizer, cycle, program, program_kind, required_temp_c,"
       " required_exposure_s, tolerance_c, max_gap_s, start, end, operator, device_result, verified, reasons,"
       " exposure_s, min_temp_c, max_temp_c, f0_min, sample_count, load, implants, bi, bi_lot, ci, bowie_dick,"
       " status, released_by, released_at), samples FROM cycles",
       "SELECT sterilizer || '/' || cycle, json_array(sterilizer, cycle, program, program_kind, required_temp_c,"
       " required_exposure_s, tolerance_c, max_gap_s, start, end, operator, device_result, verified, reasons,"
       " exposure_s, min_temp_c, max_temp_c, f0_min, sample_count, load, implants, bi, bi_lot, ci, bowie_dick,"
       " status, released_by, released_at), samples FROM cycles WHERE sterilizer || '/' || cycle = ?1"},
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
       " acknowledged_at, resolved_at), NULL FROM alerts",
       "SELECT CAST(id AS TEXT), json_array(id, kind, subject, severity, state, first_seen, acknowledged_by,"
       " acknowledged_at, resolved_at), NULL FROM alerts WHERE id = CAST(?1 AS INTEGER)"},
  };
  return types;
}

}  // namespace steritrack::report
