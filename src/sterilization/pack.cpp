#include "sterilization/pack.hpp"

#include <array>
#include <string>

namespace steritrack::sterilization {
namespace {

constexpr std::array kStateNames = {"dirty",    "assembled", "loaded",   "processing", "released",
                                    "quarantined", "failed", "recalled", "issued"};

// Why a pack in `from` cannot be assembled, loaded, issued or returned: the
// words a person at the station reads.
std::string why_not(PackState from, PackEvent event) {
  const std::string state{to_string(from)};
  switch (from) {
    case PackState::recalled:
      return "the pack is recalled: take it to RETURN";
    case PackState::processing:
      return "the pack is in a running cycle";
    case PackState::loaded:
      return event == PackEvent::return_ ? "the pack is in a pending load: cancel the load first"
                                         : "the pack is already in a pending load";
    case PackState::quarantined:
      return "the pack is quarantined until its load is released";
    case PackState::failed:
      return "the pack's cycle failed: assemble it again";
    case PackState::dirty:
      return "the tray is dirty: assemble it first";
    case PackState::issued:
      return "the pack was issued to a case: take it to RETURN";
    default:
      return "the pack is " + state;
  }
}

}  // namespace

std::string_view to_string(PackState state) { return kStateNames[static_cast<std::size_t>(state)]; }

std::optional<PackState> pack_state_from_string(std::string_view text) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i)
    if (text == kStateNames[i]) return static_cast<PackState>(i);
  return std::nullopt;
}

std::string_view to_string(PackEvent event) {
  switch (event) {
    case PackEvent::assemble: return "assemble";
    case PackEvent::load: return "load";
    case PackEvent::unload: return "unload";
    case PackEvent::start: return "start";
    case PackEvent::release: return "release";
    case PackEvent::quarantine: return "quarantine";
    case PackEvent::fail: return "fail";
    case PackEvent::recall: return "recall";
    case PackEvent::issue: return "issue";
    case PackEvent::return_: return "return";
  }
  return "?";
}

Result<PackState> next_state(PackState from, PackEvent event) {
  using S = PackState;
  switch (event) {
    case PackEvent::assemble:
      // Assembling an assembled pack again is a recount before loading.
      if (from == S::dirty || from == S::failed || from == S::assembled) return S::assembled;
      if (from == S::released) return fail("the pack is released and sterile: take it to RETURN if it was opened");
      return fail(why_not(from, event));
    case PackEvent::load:
      if (from == S::assembled) return S::loaded;
      if (from == S::released) return fail("the pack is already sterilized and released");
      return fail(why_not(from, event));
    case PackEvent::unload:
      if (from == S::loaded) return S::assembled;
      return fail("the pack is not in a pending load");
    case PackEvent::start:
      if (from == S::loaded) return S::processing;
      return fail("only a loaded pack goes into a cycle; this one is " + std::string{to_string(from)});
    case PackEvent::release:
      if (from == S::processing || from == S::quarantined) return S::released;
      return fail("only a pack in a cycle or in quarantine can be released; this one is " +
                  std::string{to_string(from)});
    case PackEvent::quarantine:
      if (from == S::processing) return S::quarantined;
      return fail("only a pack in a cycle can be quarantined; this one is " + std::string{to_string(from)});
    case PackEvent::fail:
      // A recall can reach a cycle that is still running; its failure still wins.
      if (from == S::processing || from == S::recalled) return S::failed;
      return fail("only a pack in a cycle can fail; this one is " + std::string{to_string(from)});
    case PackEvent::recall:
      if (from == S::processing || from == S::released || from == S::quarantined) return S::recalled;
      if (from == S::failed) return fail("failed packs stay failed");
      if (from == S::recalled) return fail("the pack is already recalled");
      return fail("a " + std::string{to_string(from)} + " pack is listed, not recalled");
    case PackEvent::issue:
      if (from == S::released) return S::issued;
      if (from == S::issued) return fail("the pack was already issued to a case");
      return fail("the pack is not sterile: it is " + std::string{to_string(from)});
    case PackEvent::return_:
      if (from == S::processing || from == S::loaded) return fail(why_not(from, event));
      if (from == S::dirty) return fail("the tray is already dirty");
      return S::dirty;
  }
  return fail("unknown event");
}

}  // namespace steritrack::sterilization
