#include "stations/station.hpp"

#include <array>

namespace steritrack::stations {
namespace {

constexpr std::array kModeNames = {"IDLE", "RECEIVE", "CONSUME", "COUNT", "RETURN", "ASSEMBLE", "LOAD", "ISSUE"};

}  // namespace

std::string_view to_string(Mode mode) { return kModeNames[static_cast<std::size_t>(mode)]; }

std::optional<Mode> mode_from_string(std::string_view text) {
  for (std::size_t i = 0; i < kModeNames.size(); ++i)
    if (text == kModeNames[i]) return static_cast<Mode>(i);
  return std::nullopt;
}

Outcome ModeHandler::enter(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept(std::string{to_string(ctx.station.mode)});
}

Outcome ModeHandler::done(ScanContext&) { return refuse("nothing to finish"); }

Outcome ModeHandler::cancel(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept("nothing to cancel");
}

}  // namespace steritrack::stations
