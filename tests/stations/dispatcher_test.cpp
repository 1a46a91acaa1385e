#include <catch2/catch.hpp>

#include "stations/station.hpp"
#include "support/temp_db.hpp"

using namespace steritrack;
using namespace steritrack::stations;

namespace {

codes::Code command(codes::Command c) {
  codes::Code code;
  code.kind = codes::Kind::command;
  code.command = c;
  code.label = "CMD-" + std::string{codes::to_string(c)};
  return code;
}

codes::Code label(codes::Kind kind, std::string text) {
  codes::Code code;
  code.kind = kind;
  code.label = text;
  code.text = std::move(text);
  return code;
}

// Records what reached it and keeps an open step, like a real mode would.
class RecordingHandler final : public ModeHandler {
public:
  Outcome scan(ScanContext& ctx, const codes::Code& code) override {
    scanned.push_back(code.label);
    ctx.station.open_step = {{"items", scanned.size()}};
    return accept("took " + code.label);
  }
  Outcome done(ScanContext& ctx) override {
    ctx.station.open_step = nullptr;
    return accept("finished");
  }
  std::vector<std::string> scanned;
};

struct Fixture {
  testkit::TempDb t;
  Policy policy;
  Station station{"desk", Mode::idle, "", "L-STORE-1", nullptr};
  Dispatcher dispatcher;
  std::shared_ptr<RecordingHandler> assemble = std::make_shared<RecordingHandler>();
  Fixture() { dispatcher.set_handler(Mode::assemble, assemble); }
  Outcome scan(const Result<codes::Code>& code) {
    ScanContext ctx{t.db(), station, policy, TimePoint{}, 0};
    return dispatcher.dispatch(ctx, code);
  }
};

}  // namespace

TEST_CASE("a product scan without a mode asks for a command card", "[stations]") {
  Fixture f;
  const Outcome o = f.scan(label(codes::Kind::tray, "T-1"));
  CHECK_FALSE(o.ok);
  CHECK_THAT(o.message, Catch::Contains("command card"));
}

TEST_CASE("an invalid code is refused with its reason", "[stations]") {
  Fixture f;
  const Outcome o = f.scan(Result<codes::Code>{fail("bad check digit")});
  CHECK_FALSE(o.ok);
  CHECK_THAT(o.message, Catch::Contains("bad check digit"));
}

TEST_CASE("command cards switch modes, a mode without a handler refuses", "[stations]") {
  Fixture f;
  CHECK(f.scan(command(codes::Command::assemble)).ok);
  CHECK(f.station.mode == Mode::assemble);
  const Outcome o = f.scan(command(codes::Command::receive));
  CHECK_FALSE(o.ok);
  CHECK_THAT(o.message, Catch::Contains("RECEIVE is not available"));
  CHECK(f.station.mode == Mode::assemble);
}

TEST_CASE("badges and locations set the station's operator and location in any mode", "[stations]") {
  Fixture f;
  CHECK(f.scan(label(codes::Kind::operator_badge, "U-0042")).ok);
  CHECK(f.scan(label(codes::Kind::location, "L-STERI")).ok);
  CHECK(f.station.operator_badge == "U-0042");
  CHECK(f.station.location == "L-STERI");
}

TEST_CASE("scans go to the mode's handler, DONE and CANCEL close the open step", "[stations]") {
  Fixture f;
  f.scan(command(codes::Command::assemble));
  CHECK(f.scan(label(codes::Kind::tray, "T-1")).ok);
  CHECK(f.assemble->scanned == std::vector<std::string>{"T-1"});
  CHECK_FALSE(f.station.open_step.is_null());
  CHECK(f.scan(command(codes::Command::done)).message == "finished");
  CHECK(f.station.open_step.is_null());
  f.scan(label(codes::Kind::tray, "T-2"));
  CHECK(f.scan(command(codes::Command::cancel)).ok);
  CHECK(f.station.open_step.is_null());
}

TEST_CASE("station state round-trips through the database", "[stations]") {
  Fixture f;
  f.station.mode = Mode::load;
  f.station.operator_badge = "U-7";
  f.station.open_step = {{"sterilizer", "S-A"}, {"packs", {"T-1"}}};
  save_station(f.t.db(), f.station, TimePoint{});
  const Station back = load_station(f.t.db(), "desk", "L-DEFAULT");
  CHECK(back.mode == Mode::load);
  CHECK(back.operator_badge == "U-7");
  CHECK(back.location == "L-STORE-1");
  CHECK(back.open_step == f.station.open_step);
  const Station fresh = load_station(f.t.db(), "other", "L-DEFAULT");
  CHECK(fresh.mode == Mode::idle);
  CHECK(fresh.location == "L-DEFAULT");
}
