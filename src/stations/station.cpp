#include "stations/station.hpp"

#include "common/time.hpp"

namespace steritrack::stations {
namespace {

constexpr std::pair<Mode, std::string_view> kModeNames[] = {
    {Mode::idle, "IDLE"},       {Mode::receive, "RECEIVE"}, {Mode::consume, "CONSUME"},
    {Mode::count, "COUNT"},     {Mode::return_, "RETURN"},  {Mode::assemble, "ASSEMBLE"},
    {Mode::load, "LOAD"},       {Mode::issue, "ISSUE"},
};

std::optional<Mode> mode_of_command(codes::Command c) {
  switch (c) {
    case codes::Command::receive: return Mode::receive;
    case codes::Command::consume: return Mode::consume;
    case codes::Command::count: return Mode::count;
    case codes::Command::return_: return Mode::return_;
    case codes::Command::assemble: return Mode::assemble;
    case codes::Command::load: return Mode::load;
    case codes::Command::issue: return Mode::issue;
    case codes::Command::done:
    case codes::Command::cancel: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Mode mode) {
  for (const auto& [m, name] : kModeNames)
    if (m == mode) return name;
  return "IDLE";
}

std::optional<Mode> mode_from_string(std::string_view text) {
  for (const auto& [m, name] : kModeNames)
    if (name == text) return m;
  return std::nullopt;
}

Outcome ModeHandler::enter(ScanContext& ctx) { return accept(std::string{to_string(ctx.station.mode)} + " mode"); }

Outcome ModeHandler::done(ScanContext&) { return refuse("Nothing to finish: CMD-DONE ends an open step"); }

Outcome ModeHandler::cancel(ScanContext& ctx) {
  const bool had_step = !ctx.station.open_step.is_null();
  ctx.station.open_step = nullptr;
  return accept(had_step ? "Cancelled the open step" : "Nothing to cancel");
}

void Dispatcher::set_handler(Mode mode, std::shared_ptr<ModeHandler> handler) { handlers_[mode] = std::move(handler); }

bool Dispatcher::has_handler(Mode mode) const { return handler(mode) != nullptr; }

ModeHandler* Dispatcher::handler(Mode mode) const {
  const auto it = handlers_.find(mode);
  return it == handlers_.end() ? nullptr : it->second.get();
}

Outcome Dispatcher::dispatch(ScanContext& ctx, const Result<codes::Code>& parsed) {
  if (!parsed) return refuse("Not a valid code: " + parsed.error());
  const codes::Code& code = *parsed;
  Station& st = ctx.station;
  ModeHandler* current = handler(st.mode);

  switch (code.kind) {
    case codes::Kind::operator_badge:
      st.operator_badge = code.label;
      return accept("Operator " + code.label);
    case codes::Kind::location:
      st.location = code.label;
      return accept("Location " + code.label);
    case codes::Kind::command: {
      const codes::Command cmd = *code.command;
      if (cmd == codes::Command::done) return current ? current->done(ctx) : refuse("Nothing to finish");
      if (cmd == codes::Command::cancel) {
        if (current) return current->cancel(ctx);
        st.open_step = nullptr;
        return accept("Nothing to cancel");
      }
      const Mode next = *mode_of_command(cmd);
      ModeHandler* next_handler = handler(next);
      if (!next_handler) return refuse(std::string{to_string(next)} + " is not available on this station");
      if (next == st.mode) return accept(std::string{"Already in "} + std::string{to_string(next)} + " mode");
      std::string abandoned;
      if (!st.open_step.is_null()) {
        if (current) current->cancel(ctx);
        st.open_step = nullptr;
        abandoned = "Open " + std::string{to_string(st.mode)} + " step abandoned. ";
      }
      st.mode = next;
      Outcome entered = next_handler->enter(ctx);
      entered.message = abandoned + entered.message;
      return entered;
    }
    default:
      break;
  }
  if (st.mode == Mode::idle || !current)
    return refuse("Scan a command card first (CMD-RECEIVE, CMD-CONSUME, CMD-ASSEMBLE, CMD-LOAD, CMD-ISSUE, ...)");
  return current->scan(ctx, code);
}

Station load_station(store::Connection& db, std::string_view id, std::string_view default_location) {
  Station st;
  st.id = std::string{id};
  st.location = std::string{default_location};
  auto& q = db.query("SELECT mode, operator, location, open_step FROM stations WHERE id = ?", id);
  if (q.step()) {
    st.mode = mode_from_string(q.get_text(0)).value_or(Mode::idle);
    st.operator_badge = q.get_opt_text(1).value_or("");
    if (auto loc = q.get_opt_text(2); loc && !loc->empty()) st.location = *loc;
    if (auto step = q.get_opt_text(3)) st.open_step = nlohmann::json::parse(*step, nullptr, false);
    if (st.open_step.is_discarded()) st.open_step = nullptr;
  }
  q.reset();
  return st;
}

void save_station(store::Connection& db, const Station& st, TimePoint now) {
  db.execute(
      "INSERT INTO stations (id, location, mode, operator, open_step, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (id) DO UPDATE SET location = excluded.location, mode = excluded.mode,"
      " operator = excluded.operator, open_step = excluded.open_step, updated_at = excluded.updated_at",
      st.id, st.location, to_string(st.mode),
      st.operator_badge.empty() ? std::optional<std::string>{} : std::optional<std::string>{st.operator_badge},
      st.open_step.is_null() ? std::optional<std::string>{} : std::optional<std::string>{st.open_step.dump()},
      format_rfc3339(now));
}

}  // namespace steritrack::stations
