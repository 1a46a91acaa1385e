#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sterilization/cycle_test_support.hpp"
#include "sterilization/programs.hpp"

using namespace steritrack;
using namespace steritrack::sterilization;

TEST_CASE("the shipped programs are those of compliance.md section 2", "[programs]") {
  const auto catalog = test::shipped_programs();
  struct Expected {
    const char* name;
    ProgramKind kind;
    double temp_c;
    double exposure_s;
  };
  for (const Expected& e : {Expected{"gravity-121-30", ProgramKind::load, 121, 1800},
                            Expected{"gravity-132-15", ProgramKind::load, 132, 900},
                            Expected{"prevac-132-4", ProgramKind::load, 132, 240},
                            Expected{"prevac-134-3", ProgramKind::load, 134, 180},
                            Expected{"prion-134-18", ProgramKind::load, 134, 1080},
                            Expected{"bowie-dick-134-3.5", ProgramKind::air_removal_test, 134, 210}}) {
    const Program* p = catalog.find(e.name);
    REQUIRE(p);
    INFO(e.name);
    CHECK(p->kind == e.kind);
    CHECK(p->temp_c == e.temp_c);
    CHECK(p->exposure_s == e.exposure_s);
    CHECK(p->tolerance_c == 0.0);
  }
  const Program* leak = catalog.find("leak-test");
  REQUIRE(leak);
  CHECK(leak->kind == ProgramKind::leak_test);
  CHECK(leak->max_leak_rate_kpa_min == 0.13);
}

TEST_CASE("a bad programs file names the file, program and key", "[programs]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"[[program]]\nname = \"x\"\nexposure_s = 10\n", "programs.toml: program[0].temp_c: is required"},
      {"[[program]]\nname = \"x\"\ntemp_c = 121\n", "program[0].exposure_s: is required"},
      {"[[program]]\nname = \"x\"\nkind = \"flash\"\ntemp_c = 121\nexposure_s = 1\n", "program[0].kind"},
      {"[[program]]\nname = \"x\"\ntemp_c = 221\nexposure_s = 1\n", "program[0].temp_c: must be between 0 and 150"},
      {"[[program]]\nname = \"x\"\ntemp_c = 121\nexposure_s = 1\ncolour = 1\n", "program[0].colour: unknown key"},
      {"[[program]]\nname = \"a b\"\ntemp_c = 121\nexposure_s = 1\n", "program[0].name"},
      {"[[program]]\nname = \"x\"\ntemp_c = 121\nexposure_s = 1\n[[program]]\nname = \"x\"\ntemp_c = 121\nexposure_s = 1\n",
       "program[1].name: program \"x\" is defined twice"},
      {"[[program]]\nname = \"x\"\nkind = \"leak_test\"\nexposure_s = 1\n", "max_leak_rate_kpa_min: is required"},
      {"[[program]\n", "programs.toml:1:"},
      // Found by fuzz_config: nan passed the range checks (every comparison with it is false).
      {"[[program]]\nname = \"x\"\ntemp_c = nan\nexposure_s = 1\n", "program[0].temp_c: must be between 0 and 150"},
      {"[[program]]\nname = \"x\"\ntemp_c = 121\nexposure_s = -nan\n", "program[0].exposure_s: must be between"},
  };
  for (const auto& [text, reason] : cases) {
    INFO(text);
    try {
      ProgramCatalog::parse(text, "programs.toml");
      FAIL("no error");
    } catch (const ProgramError& e) {
      CHECK_THAT(e.what(), Catch::Contains(reason));
    }
  }
}

TEST_CASE("config programs add to and override the shipped ones", "[programs]") {
  auto catalog = test::shipped_programs();
  sterilization::ProgramDefinition custom;
  custom.name = "prevac-135-10";
  custom.temp_c = 135;
  custom.exposure_s = 600;
  sterilization::ProgramDefinition override;
  override.name = "prevac-132-4";
  override.temp_c = 132;
  override.exposure_s = 300;
  override.tolerance_c = 0.5;
  catalog.add(std::vector<sterilization::ProgramDefinition>{custom, override});
  REQUIRE(catalog.find("prevac-135-10"));
  CHECK(catalog.find("prevac-135-10")->exposure_s == 600);
  CHECK_FALSE(catalog.find("prevac-135-10")->tolerance_c);  // the policy's
  CHECK(catalog.find("prevac-132-4")->exposure_s == 300);
  CHECK(catalog.find("prevac-132-4")->tolerance_c == 0.5);
}

TEST_CASE("the built-in programs are those of devices/programs.toml", "[programs]") {
  const auto shipped = test::shipped_programs();
  const auto builtin = ProgramCatalog::standard();
  REQUIRE(builtin.all().size() == shipped.all().size());
  for (const Program& p : shipped.all()) {
    const Program* b = builtin.find(p.name);
    REQUIRE(b);
    CHECK(b->temp_c == p.temp_c);
    CHECK(b->exposure_s == p.exposure_s);
  }
}

TEST_CASE("a data folder's programs add to and override the built-in ones", "[programs]") {
  const auto dir = std::filesystem::temp_directory_path() / "steritrack-programs-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "programs.toml");
    out << "[[program]]\nname = \"prevac-132-4\"\ntemp_c = 133\nexposure_s = 300\n"
           "[[program]]\nname = \"clinic-special\"\ntemp_c = 121\nexposure_s = 1200\n";
  }
  const auto catalog = ProgramCatalog::standard_and(dir.string());
  REQUIRE(catalog.find("prevac-132-4"));
  CHECK(catalog.find("prevac-132-4")->exposure_s == 300);
  CHECK(catalog.find("clinic-special"));
  CHECK(catalog.find("gravity-121-30"));
  // No data folder at all: the built-in programs alone.
  CHECK(ProgramCatalog::standard_and((dir / "missing").string()).all().size() == ProgramCatalog::standard().all().size());
  std::filesystem::remove_all(dir);
}
