// steritrack decode CODE | --image FILE: what a barcode means, changing
// nothing (the database is not opened). Also the tool a clinic's IT person
// uses to see why a label is refused.
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "codes/code.hpp"
#include "common/time.hpp"
#include "scan/image_decoder.hpp"

namespace steritrack::cli {
namespace {

using Json = nlohmann::ordered_json;

// A photo larger than this is not a barcode picture.
constexpr std::uintmax_t kMaxImageBytes = 64 * 1024 * 1024;

// A shell cannot pass ASCII 29 comfortably: "\x1D" and "<GS>" stand for it.
std::string unescape_gs(std::string text) {
  for (std::string_view token : {"\\x1D", "\\x1d", "<GS>", "<gs>"})
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
      text.replace(at, token.size(), 1, codes::kGroupSeparator);
  return text;
}

std::string visible(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto code = static_cast<unsigned char>(c);
    if (c == codes::kGroupSeparator) {
      out += "<GS>";
    } else if (code < 32 || code == 127) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "<0x";
      out += kHex[code >> 4];
      out += kHex[code & 15];
      out += '>';
    } else {
      out += c;
    }
  }
  return out;
}

// The fields found, in the order a person reads them: (JSON key, value as text).
std::vector<std::pair<std::string, std::string>> fields(const codes::Code& c) {
  std::vector<std::pair<std::string, std::string>> f;
  if (!c.label.empty()) f.emplace_back("label", c.label);
  if (c.command) f.emplace_back("command", std::string(codes::to_string(*c.command)));
  if (c.gtin) f.emplace_back("gtin", *c.gtin);
  if (c.labeler) f.emplace_back("labeler", *c.labeler);
  if (c.product) f.emplace_back("product", *c.product);
  if (c.unit) f.emplace_back("unit", std::to_string(*c.unit));
  if (c.lot) f.emplace_back("lot", *c.lot);
  if (c.serial) f.emplace_back("serial", *c.serial);
  if (c.expiry) f.emplace_back("expiry", format_date(*c.expiry));
  if (c.production_date) f.emplace_back("production_date", format_date(*c.production_date));
  if (c.count) f.emplace_back("count", std::to_string(*c.count));
  if (c.sscc) f.emplace_back("sscc", *c.sscc);
  if (c.hibc_link) f.emplace_back("link", std::string(1, *c.hibc_link));
  if (const auto key = c.supply_code(); !key.empty()) f.emplace_back("supply_code", key);
  return f;
}

Json code_json(const codes::Code& c) {
  Json j;
  j["kind"] = std::string(codes::to_string(c.kind));
  for (const auto& [key, value] : fields(c)) {
    if (key == "count") j[key] = *c.count;
    else if (key == "unit") j[key] = *c.unit;
    else j[key] = value;
  }
  if (c.kind == codes::Kind::gs1) {
    Json ai = Json::object();
    for (const auto& [id, value] : c.ai) ai[id] = value;
    j["ai"] = std::move(ai);
  }
  return j;
}

std::string describe_kind(const codes::Code& c) {
  std::string kind(codes::to_string(c.kind));
  switch (c.kind) {
    case codes::Kind::gs1: kind += " (GS1 element string)"; break;
    case codes::Kind::hibc:
      if (!c.labeler) kind += " (HIBC secondary alone: joins the primary whose check character is its link)";
      else if (c.hibc_link) kind += " (HIBC primary alone)";
      break;
    case codes::Kind::gtin: kind += " (plain GTIN: EAN/UPC/ITF-14)"; break;
    default: break;
  }
  return kind;
}

// One line of meaning for the image table.
std::string summary(const codes::Code& c) {
  std::string s;
  for (const auto& [key, value] : fields(c)) {
    if (key == "supply_code") continue;
    s += (s.empty() ? "" : ", ") + key + " " + value;
  }
  return s;
}

void print_code_table(std::ostream& out, const codes::Code& c) {
  Table t{{"field", "value"}, {}};
  t.rows.push_back({std::string("kind"), describe_kind(c)});
  t.rows.push_back({std::string("text"), visible(c.text)});
  if (!c.symbology_id.empty()) t.rows.push_back({std::string("symbology id"), c.symbology_id});
  for (const auto& [key, value] : fields(c)) {
    const std::string name = key == "supply_code" ? "catalog code" : key == "production_date" ? "production date" : key;
    t.rows.push_back({name, value});
  }
  print(out, t, Format::table);
  if (c.kind != codes::Kind::gs1) return;
  Table ai{{"AI", "meaning", "raw value"}, {}};
  for (const auto& [id, value] : c.ai) ai.rows.push_back({id, std::string(codes::ai_title(id)), visible(value)});
  out << '\n';
  print(out, ai, Format::table);
}

const std::vector<std::string> kCsvColumns{"kind",  "label",  "command", "gtin",  "labeler",         "product",
                                           "unit",  "lot",    "serial",  "expiry", "production_date", "count",
                                           "sscc",  "link",   "supply_code"};

std::vector<Cell> csv_row(const codes::Code& c) {
  const auto f = fields(c);
  std::vector<Cell> row;
  for (const auto& column : kCsvColumns) {
    if (column == "kind") {
      row.emplace_back(std::string(codes::to_string(c.kind)));
      continue;
    }
    std::string cell;
    for (const auto& [key, value] : f)
      if (key == column) cell = value;
    row.emplace_back(std::move(cell));
  }
  return row;
}

codes::ParseOptions parse_options(const Context& ctx, const std::string& gs_substitute) {
  codes::ParseOptions options;
  options.today = utc_date(ctx.now());
  if (!gs_substitute.empty()) {
    if (gs_substitute.size() != 1) throw Failure("--gs-substitute takes one character", 2);
    options.gs_substitute = gs_substitute[0];
  }
  return options;
}

void decode_code(Context& ctx, const std::string& argument, const std::string& gs_substitute) {
  const std::string text = unescape_gs(argument);
  const auto code = codes::parse(text, parse_options(ctx, gs_substitute));
  if (!code) throw Failure("refused: " + code.error() + "\n  text: " + visible(text));
  switch (ctx.format()) {
    case Format::json: *ctx.out << code_json(*code).dump(2) << '\n'; break;
    case Format::csv: print(*ctx.out, Table{kCsvColumns, {csv_row(*code)}}, Format::csv); break;
    case Format::table: print_code_table(*ctx.out, *code); break;
  }
}

void decode_image(Context& ctx, const std::string& path, const std::string& gs_substitute) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure("cannot read " + path);
  in.seekg(0, std::ios::end);
  if (static_cast<std::uintmax_t>(in.tellg()) > kMaxImageBytes) throw Failure(path + ": larger than 64 MB");
  in.seekg(0);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const scan::ImageDecoder decoder;
  const auto symbols = decoder.decode(bytes);
  if (!symbols) throw Failure(path + ": " + symbols.error());
  const auto options = parse_options(ctx, gs_substitute);

  Json array = Json::array();
  Table table{{"#", "symbology", "text", "kind", "meaning"}, {}};
  std::vector<std::string> columns{"text", "symbology", "error"};
  columns.insert(columns.end(), kCsvColumns.begin(), kCsvColumns.end());
  Table csv{columns, {}};
  int refused = 0;
  for (std::size_t i = 0; i < symbols->size(); ++i) {
    const auto& s = (*symbols)[i];
    const auto code = codes::parse(s.text, options);
    Json j;
    j["text"] = s.text;
    j["symbology"] = s.symbology;
    std::vector<Cell> row{s.text, s.symbology};
    if (code) {
      const Json meaning = code_json(*code);
      for (const auto& [key, value] : meaning.items()) j[key] = value;
      table.rows.push_back({static_cast<std::int64_t>(i + 1), s.symbology, visible(s.text),
                            std::string(codes::to_string(code->kind)), summary(*code)});
      row.emplace_back(std::string());  // no error
      const auto rest = csv_row(*code);
      row.insert(row.end(), rest.begin(), rest.end());
    } else {
      ++refused;
      j["error"] = code.error();
      table.rows.push_back({static_cast<std::int64_t>(i + 1), s.symbology, visible(s.text), std::string("refused"),
                            code.error()});
      row.emplace_back(code.error());
      while (row.size() < columns.size()) row.emplace_back(std::string());
    }
    array.push_back(std::move(j));
    csv.rows.push_back(std::move(row));
  }
  switch (ctx.format()) {
    case Format::json: *ctx.out << array.dump(2) << '\n'; break;
    case Format::csv: print(*ctx.out, csv, Format::csv); break;
    case Format::table:
      if (!symbols->empty()) print(*ctx.out, table, Format::table);
      break;
  }
  if (symbols->empty())
    throw Failure(path + ": no barcode found (looked for DataMatrix, Code 128, QR, EAN/UPC and DataBar)");
  if (refused > 0)
    throw Failure(std::to_string(refused) + " of " + std::to_string(symbols->size()) + " barcode" +
                  (symbols->size() == 1 ? "" : "s") + " in " + path + " refused (reasons above)");
}

struct DecodeArgs {
  std::string code;
  std::string image;
  std::string gs_substitute;
};

}  // namespace

void add_decode_commands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DecodeArgs>();
  auto* decode = app.add_subcommand("decode", "what a barcode means, without changing anything");
  auto* code = decode->add_option("code", args->code, "the scanned text; write ASCII 29 (GS) as \\x1D or <GS>");
  auto* image = decode->add_option("--image", args->image, "a PNG or JPEG photo or frame: every barcode in it");
  code->excludes(image);
  decode->add_option("--gs-substitute", args->gs_substitute,
                     "the character a keyboard-wedge scanner types instead of GS (as the station's gs_substitute)");
  decode->callback([&ctx, args] {
    if (!args->image.empty())
      decode_image(ctx, args->image, args->gs_substitute);
    else if (!args->code.empty())
      decode_code(ctx, args->code, args->gs_substitute);
    else
      throw Failure("decode needs a CODE or --image FILE", 2);
  });
}

}  // namespace steritrack::cli
