// steritrack log, steritrack cycle show.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "common/time.hpp"
#include "common/time_zone.hpp"
#include "report/log.hpp"
#include "sterilization/samples.hpp"

namespace steritrack::cli {
namespace {

Cell text(const std::optional<std::string>& v) { return v ? Cell{*v} : Cell{}; }
Cell number(const std::optional<double>& v) { return v ? Cell{*v} : Cell{}; }

std::vector<Cell> log_cells(const report::LogRow& r) {
  return {r.sterilizer,       r.cycle,         r.program,          r.start,           text(r.end),
          text(r.operator_badge), number(r.exposure_s), number(r.min_temp_c), number(r.max_temp_c),
          number(r.f0_min),   text(r.device_result), text(r.verified), text(r.bi),       text(r.ci),
          text(r.bowie_dick), text(r.bi_lot),  std::string{r.implants ? "yes" : "no"}, text(r.load),
          text(r.status),     text(r.released_by), text(r.released_at)};
}

TimePoint bound(const std::string& option, const std::string& value, bool upper, const TimeZone& zone) {
  auto t = report::parse_log_bound(option, value, upper, zone);
  if (!t) throw Failure(t.error(), 2);
  return *t;
}

// The log for people: "A/1042" in one column, times in the clinic's zone,
// and on a narrow screen the columns a person checks first
// (docs/guide-compliance.md, "Reading the log on a screen"): the cycle, its
// start, program and load, our verdict, the indicators and the status.
Table log_for_people(const Table& log) {
  Table t;
  t.columns = {"cycle"};
  t.columns.insert(t.columns.end(), log.columns.begin() + 2, log.columns.end());
  for (const auto& row : log.rows) {
    std::vector<Cell> cells{std::get<std::string>(row[0]) + "/" + std::get<std::string>(row[1])};
    cells.insert(cells.end(), row.begin() + 2, row.end());
    t.rows.push_back(std::move(cells));
  }
  t.views = {{"start", {.time = true}},
             {"end", {.time = true, .drop_rank = 7}},
             {"released_at", {.time = true, .drop_rank = 6}},
             {"f0_min", {.drop_rank = 10}},
             {"bi_lot", {.drop_rank = 10}},
             {"device_result", {.drop_rank = 9}},
             {"exposure_s", {.drop_rank = 8}},
             {"min_temp_c", {.drop_rank = 8}},
             {"max_temp_c", {.drop_rank = 8}},
             {"implants", {.drop_rank = 5}},
             {"operator", {.drop_rank = 4}},
             {"released_by", {.drop_rank = 4, .shrink = true}},
             {"ci", {.drop_rank = 3}},
             {"bowie_dick", {.drop_rank = 3}},
             {"program", {.shrink = true}},
             {"load", {.shrink = true}}};
  return t;
}

void run_log(Context& ctx, const std::string& from, const std::string& to, const std::string& sterilizer) {
  report::LogFilter filter;
  const TimeZone& zone = clinic_zone(ctx.policy().timezone);
  if (!from.empty()) filter.from = bound("--from", from, false, zone);
  if (!to.empty()) filter.to = bound("--to", to, true, zone);
  if (filter.from && filter.to && *filter.from > *filter.to)
    throw Failure("--from " + from + " is after --to " + to, 2);
  if (!sterilizer.empty()) filter.sterilizer = sterilizer;

  Table table;
  table.columns = report::log_columns();
  report::sterilization_log(ctx.db(), filter, [&](const report::LogRow& r) { table.rows.push_back(log_cells(r)); });
  ctx.show(ctx.format() == Format::table ? log_for_people(table) : table);
}

std::string kind_line(const report::CycleDetail& d) {
  char buf[200];
  if (d.program_kind == "leak_test")
    std::snprintf(buf, sizeof buf, "%s: hold %.0f s, leak rate at most %.3f kPa/min", d.program_kind.c_str(),
                  d.required_exposure_s, d.max_leak_rate_kpa_min.value_or(0));
  else
    std::snprintf(buf, sizeof buf, "%s: %.1f °C for %.0f s, tolerance %.1f °C", d.program_kind.c_str(),
                  d.required_temp_c, d.required_exposure_s, d.tolerance_c);
  return buf;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

void run_show(Context& ctx, const std::string& which) {
  const auto slash = which.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == which.size())
    throw Failure("\"" + which + "\" is not STERILIZER/CYCLE (e.g. A/1042)", 2);
  const std::string sterilizer = which.substr(0, slash);
  const std::string cycle = which.substr(slash + 1);
  const auto d = report::cycle_detail(ctx.db(), sterilizer, cycle);
  if (!d) throw Failure("no cycle " + which);

  std::vector<sterilization::Sample> samples;
  std::string sample_problem;
  if (!d->samples.empty()) {
    auto decoded = sterilization::decode_samples(d->samples);
    if (decoded)
      samples = std::move(*decoded);
    else
      sample_problem = decoded.error();
  }

  // The summary: the log's columns, then what only this view shows.
  Table summary;
  summary.columns = {"field", "value"};
  const auto& names = report::log_columns();
  const auto cells = log_cells(d->row);
  for (std::size_t i = 0; i < names.size(); ++i) summary.rows.push_back({names[i], cells[i]});
  summary.rows.push_back({std::string{"requirements"}, kind_line(*d)});
  summary.rows.push_back({std::string{"max_gap_s"}, d->max_gap_s});
  summary.rows.push_back({std::string{"sample_count"}, d->sample_count});
  summary.rows.push_back({std::string{"reasons"}, joined(d->reasons)});
  std::vector<std::string> fault_texts;
  for (const auto& f : d->faults) fault_texts.push_back(f.ts + " " + f.code + (f.message.empty() ? "" : " " + f.message));
  summary.rows.push_back({std::string{"faults"}, joined(fault_texts)});
  if (!sample_problem.empty()) summary.rows.push_back({std::string{"samples_error"}, sample_problem});

  Table sample_table;
  sample_table.columns = {"ts", "phase", "temp_c", "pressure_kpa"};
  sample_table.views["ts"] = {.time = true, .seconds = true};
  for (const auto& s : samples)
    sample_table.rows.push_back({format_rfc3339(s.ts), std::string{sterilization::to_string(s.phase)}, s.temp_c(),
                                 s.pressure_kpa() ? Cell{*s.pressure_kpa()} : Cell{}});

  std::ostream& out = *ctx.out;
  switch (ctx.format()) {
    case Format::json: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& row : summary.rows) {
        const auto& key = std::get<std::string>(row[0]);
        const Cell& c = row[1];
        if (key == "reasons" || key == "faults") continue;
        if (std::holds_alternative<std::int64_t>(c))
          j[key] = std::get<std::int64_t>(c);
        else if (std::holds_alternative<double>(c))
          j[key] = std::get<double>(c);
        else if (std::holds_alternative<std::string>(c) && !std::get<std::string>(c).empty())
          j[key] = std::get<std::string>(c);
        else
          j[key] = nullptr;
      }
      j["reasons"] = d->reasons;
      j["faults"] = nlohmann::json::array();
      for (const auto& f : d->faults) j["faults"].push_back({{"ts", f.ts}, {"code", f.code}, {"message", f.message}});
      j["samples"] = nlohmann::json::array();
      for (const auto& s : samples) {
        nlohmann::json o = {{"ts", format_rfc3339(s.ts)}, {"phase", sterilization::to_string(s.phase)},
                            {"temp_c", s.temp_c()}};
        o["pressure_kpa"] = s.pressure_kpa() ? nlohmann::json(*s.pressure_kpa()) : nlohmann::json();
        j["samples"].push_back(std::move(o));
      }
      out << j.dump(2) << '\n';
      break;
    }
    case Format::csv:
      // Two blocks, separated by an empty line: the summary, then the samples.
      print(out, summary, Format::csv);
      out << '\n';
      print(out, sample_table, Format::csv);
      break;
    case Format::table:
      out << "cycle " << which << "\n\n";
      print(out, summary, Format::table, ctx.screen());
      out << "\nsamples\n";
      print(out, sample_table, Format::table, ctx.screen());
      break;
  }
}

}  // namespace

void add_cycle_commands(CLI::App& app, Context& ctx) {
  struct LogOptions {
    std::string from, to, sterilizer;
  };
  auto opts = std::make_shared<LogOptions>();
  auto* log = app.add_subcommand("log", "the sterilization log: one row per cycle (compliance.md section 1)");
  log->add_option("--from", opts->from, "first day (YYYY-MM-DD, the clinic's day in policy.timezone) or RFC 3339 time");
  log->add_option("--to", opts->to, "last day (YYYY-MM-DD, inclusive) or RFC 3339 time");
  log->add_option("--sterilizer", opts->sterilizer, "only this sterilizer");
  log->callback([&ctx, opts] { run_log(ctx, opts->from, opts->to, opts->sterilizer); });

  auto* cycle = app.add_subcommand("cycle", "one sterilization cycle");
  cycle->require_subcommand(1);
  auto which = std::make_shared<std::string>();
  auto* show = cycle->add_subcommand("show", "a cycle's summary, verdict reasons, faults and samples");
  show->add_option("cycle", *which, "STERILIZER/CYCLE, e.g. A/1042")->required();
  show->callback([&ctx, which] { run_show(ctx, *which); });
}

}  // namespace steritrack::cli
