// The image decoder against the generated frames of tests/data/images
// (scripts/make-test-images): every "must" line of expected.tsv decodes to
// exactly its texts, in reading order, and each text is one codes::parse
// accepts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "codes/code.hpp"
#include "scan/image_decoder.hpp"
#include "support/paths.hpp"

namespace {

using namespace steritrack;
namespace fs = std::filesystem;

const fs::path kImages = fs::path(test_paths::data()) / "images";

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string with_gs(std::string text) {
  for (auto at = text.find("<GS>"); at != std::string::npos; at = text.find("<GS>", at))
    text.replace(at, 4, 1, codes::kGroupSeparator);
  return text;
}

struct Expected {
  std::string file;
  bool must = true;
  std::vector<std::string> texts;
};

std::vector<Expected> manifest() {
  std::ifstream in(kImages / "expected.tsv");
  REQUIRE(in);
  std::vector<Expected> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Expected e;
    std::string requirement;
    std::getline(fields, e.file, '\t');
    std::getline(fields, requirement, '\t');
    e.must = requirement == "must";
    for (std::string t; std::getline(fields, t, '\t');) e.texts.push_back(with_gs(t));
    lines.push_back(std::move(e));
  }
  return lines;
}

std::vector<std::string> texts_of(const std::vector<scan::DecodedSymbol>& symbols) {
  std::vector<std::string> texts;
  for (const auto& s : symbols) texts.push_back(s.text);
  return texts;
}

std::string shown(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& t : texts) {
    std::string v = t;
    for (auto at = v.find(codes::kGroupSeparator); at != std::string::npos; at = v.find(codes::kGroupSeparator))
      v.replace(at, 1, "<GS>");
    out += "[" + v + "] ";
  }
  return out;
}

}  // namespace

TEST_CASE("every generated frame decodes to its expected texts, in reading order", "[scan][images]") {
  const auto lines = manifest();
  REQUIRE(lines.size() >= 40);
  const scan::ImageDecoder decoder;
  const codes::ParseOptions options{std::chrono::year{2026} / 3 / 15, std::nullopt};
  int may_read = 0;
  for (const auto& e : lines) {
    INFO("image " << e.file);
    const auto symbols = decoder.decode(read_bytes(kImages / e.file));
    REQUIRE(symbols.ok());
    const auto texts = texts_of(*symbols);
    if (!e.must) {
      may_read += texts == e.texts;
      continue;
    }
    INFO("decoded: " << shown(texts));
    CHECK(texts == e.texts);
    if (e.file.rfind("unknown_", 0) == 0) continue;  // holds a text no code form matches, on purpose
    for (const auto& t : texts) {
      const auto code = codes::parse(t, options);
      INFO("text " << shown({t}));
      CHECK(code.ok());
    }
  }
  WARN(may_read << " of the images beyond the decoder's reach ('may') were read");
}

TEST_CASE("what the decoder reports about a symbol", "[scan][images]") {
  const scan::ImageDecoder decoder;
  SECTION("GS1 DataMatrix: symbology, identifier, position") {
    const auto symbols = decoder.decode(read_bytes(kImages / "dm_clean.png"));
    REQUIRE(symbols.ok());
    REQUIRE(symbols->size() == 1);
    const auto& s = symbols->front();
    CHECK(s.symbology == "DataMatrix");
    CHECK(s.symbology_id == "]d2");
    CHECK(s.gs1);
    // Placed at (250,160) with a 3-module margin of 4 pixels each, 80x80 pixels.
    CHECK(s.left >= 255);
    CHECK(s.top >= 165);
    CHECK(s.right <= 360);
    CHECK(s.bottom <= 265);
  }
  SECTION("plain Code 128 label") {
    const auto symbols = decoder.decode(read_bytes(kImages / "tray_code128_clean.png"));
    REQUIRE(symbols.ok());
    REQUIRE(symbols->size() == 1);
    CHECK(symbols->front().symbology == "Code128");
    CHECK(symbols->front().symbology_id == "]C0");
    CHECK_FALSE(symbols->front().gs1);
  }
  SECTION("DataBar and UPC-E carry the identifier the parser needs") {
    const auto databar = decoder.decode(read_bytes(kImages / "databar_clean.png"));
    REQUIRE(databar.ok());
    REQUIRE(databar->size() == 1);
    CHECK(databar->front().symbology == "DataBar");
    const auto upce = decoder.decode(read_bytes(kImages / "upce_clean.png"));
    REQUIRE(upce.ok());
    REQUIRE(upce->size() == 1);
    const auto code = codes::parse(upce->front().text, {std::chrono::year{2026} / 3 / 15, std::nullopt});
    REQUIRE(code.ok());
    CHECK(code->gtin == "00012345000065");
  }
}

TEST_CASE("the configured symbologies are the only ones looked for", "[scan][images]") {
  const auto bytes = read_bytes(kImages / "multi_unconfigured.png");
  const scan::ImageDecoder defaults;
  const auto found = defaults.decode(bytes);
  REQUIRE(found.ok());
  CHECK(found->size() == 1);

  scan::DecoderOptions with_code39;
  with_code39.symbologies.push_back(scan::Symbology::code39);
  const auto both = scan::ImageDecoder(with_code39).decode(bytes);
  REQUIRE(both.ok());
  REQUIRE(both->size() == 2);
  CHECK(both->at(0).text == "NOT-CONFIGURED");
  CHECK(both->at(0).symbology == "Code39");
  CHECK(both->at(1).symbology == "DataMatrix");

  scan::DecoderOptions only_qr;
  only_qr.symbologies = {scan::Symbology::qr_code};
  const auto none = scan::ImageDecoder(only_qr).decode(bytes);
  REQUIRE(none.ok());
  CHECK(none->empty());

  scan::DecoderOptions nothing;
  nothing.symbologies.clear();
  const auto empty = scan::ImageDecoder(nothing).decode(bytes);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("small and faded codes need the second pass", "[scan][images]") {
  scan::DecoderOptions first_look_only;
  first_look_only.second_pass = scan::SecondPass::none;
  const scan::ImageDecoder one_pass(first_look_only);
  const scan::ImageDecoder two_passes;
  for (const char* file : {"dm_small.png", "qr_small.png", "dm_low_contrast.png"}) {
    INFO(file);
    const auto bytes = read_bytes(kImages / file);
    const auto first = one_pass.decode(bytes);
    REQUIRE(first.ok());
    CHECK(first->empty());
    const auto second = two_passes.decode(bytes);
    REQUIRE(second.ok());
    CHECK(second->size() == 1);
  }
}

TEST_CASE("DataMatrix off the frame's centre lines needs the strips", "[scan][images]") {
  scan::DecoderOptions centre_only;
  centre_only.data_matrix_everywhere = false;
  centre_only.second_pass = scan::SecondPass::none;
  const auto bytes = read_bytes(kImages / "multi_grid.png");
  const auto without = scan::ImageDecoder(centre_only).decode(bytes);
  REQUIRE(without.ok());
  CHECK(without->size() == 3);  // the DataMatrix in the corner is missed
  const auto with = scan::ImageDecoder().decode(bytes);
  REQUIRE(with.ok());
  CHECK(with->size() == 4);
}

TEST_CASE("images that are not PNG or JPEG, or broken, are refused with a reason", "[scan]") {
  const scan::ImageDecoder decoder;
  const std::string text = "hello, not an image";
  const std::vector<std::uint8_t> not_image(text.begin(), text.end());
  const auto refused = decoder.decode(not_image);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() == "not a PNG or JPEG image");

  auto png = read_bytes(kImages / "dm_clean.png");
  png.resize(png.size() / 2);
  const auto truncated = decoder.decode(png);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().find("PNG image cannot be") == 0);

  auto jpeg = read_bytes(kImages / "dm_noise.jpg");
  jpeg.resize(40);
  CHECK_FALSE(decoder.decode(jpeg).ok());
  CHECK_FALSE(decoder.decode(std::vector<std::uint8_t>{}).ok());

  CHECK_FALSE(decoder.decode(scan::GrayImage{}).ok());
  CHECK_FALSE(decoder.decode(scan::GrayImage{10, 10, std::vector<std::uint8_t>(5)}).ok());
}

TEST_CASE("pixel formats become 8-bit grey", "[scan]") {
  const auto gray16 = scan::load_grayscale(read_bytes(kImages / "depth16_gray.png"));
  REQUIRE(gray16.ok());
  CHECK(gray16->width == 640);
  CHECK(gray16->height == 480);
  CHECK(gray16->pixels.size() == 640u * 480u);
  // Transparent pixels hiding black become white paper.
  const auto rgba = scan::load_grayscale(read_bytes(kImages / "rgba_transparent.png"));
  REQUIRE(rgba.ok());
  CHECK(rgba->pixels.front() == 255);
  const auto rgb = scan::load_grayscale(read_bytes(kImages / "rgb.png"));
  REQUIRE(rgb.ok());
  CHECK(rgb->pixels.front() == gray16->pixels.front());
}

TEST_CASE("enlarge_2x interpolates between neighbours", "[scan]") {
  const scan::GrayImage in{2, 1, {0, 255}};
  const auto out = scan::enlarge_2x(in);
  REQUIRE(out.width == 4);
  REQUIRE(out.height == 2);
  const std::vector<std::uint8_t> row{0, 64, 191, 255};
  CHECK(std::vector<std::uint8_t>(out.pixels.begin(), out.pixels.begin() + 4) == row);
  CHECK(std::vector<std::uint8_t>(out.pixels.begin() + 4, out.pixels.end()) == row);
}

TEST_CASE("symbology names for the configuration", "[scan]") {
  for (const auto s : {scan::Symbology::data_matrix, scan::Symbology::code128, scan::Symbology::qr_code,
                       scan::Symbology::ean_upc, scan::Symbology::databar, scan::Symbology::code39,
                       scan::Symbology::itf, scan::Symbology::pdf417, scan::Symbology::aztec})
    CHECK(scan::symbology_from_name(scan::to_string(s)) == s);
  CHECK(scan::to_string(scan::Symbology::ean_upc) == "ean-upc");
  CHECK_FALSE(scan::symbology_from_name("DataMatrix"));
}
