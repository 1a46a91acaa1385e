#include "scan/image_decoder.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <memory>
#include <utility>

#include <ZXing/ReadBarcode.h>
#include <stb_image.h>

#include "scan/isolated_worker.hpp"

namespace steritrack::scan {
namespace {

// A larger image is a mistake or an attack (decompression bomb), not a
// camera frame or a phone photo.
constexpr long kMaxPixels = 50L * 1000 * 1000;

struct SymbologyName {
  Symbology symbology;
  std::string_view name;
  ZXing::BarcodeFormats formats;
};

const std::array<SymbologyName, 9>& symbology_table() {
  using F = ZXing::BarcodeFormat;
  static const std::array<SymbologyName, 9> table{{
      {Symbology::data_matrix, "datamatrix", F::DataMatrix},
      {Symbology::code128, "code128", F::Code128},
      {Symbology::qr_code, "qr", F::QRCode | F::MicroQRCode},
      {Symbology::ean_upc, "ean-upc", F::EAN8 | F::EAN13 | F::UPCA | F::UPCE},
      {Symbology::databar, "databar", F::DataBar | F::DataBarExpanded},
      {Symbology::code39, "code39", F::Code39},
      {Symbology::itf, "itf", F::ITF},
      {Symbology::pdf417, "pdf417", F::PDF417},
      {Symbology::aztec, "aztec", F::Aztec},
  }};
  return table;
}

bool starts_with(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint8_t> magic) {
  return bytes.size() >= magic.size() && std::equal(magic.begin(), magic.end(), bytes.begin());
}

DecodedSymbol to_symbol(const ZXing::Result& r) {
  using F = ZXing::BarcodeFormat;
  DecodedSymbol s;
  s.symbology = ZXing::ToString(r.format());
  s.symbology_id = r.symbologyIdentifier();
  s.gs1 = r.contentType() == ZXing::ContentType::GS1;
  const std::string text = r.text();
  if (r.format() == F::DataBar) {
    // ZXing gives DataBar's GTIN-14 alone; a scanner sends "]e0" + "01" + GTIN.
    s.gs1 = true;
    s.text = "]e001" + text;
  } else if (r.format() == F::DataBarExpanded) {
    s.gs1 = true;  // ZXing 1.4 gives the human-readable "(01)…(10)…" form
    s.text = text;
  } else if (s.gs1 || r.format() == F::UPCE) {
    s.text = s.symbology_id + text;
  } else {
    s.text = text;
  }
  const auto& p = r.position();
  const std::array<ZXing::PointI, 4> corners{p.topLeft(), p.topRight(), p.bottomRight(), p.bottomLeft()};
  s.left = s.right = corners[0].x;
  s.top = s.bottom = corners[0].y;
  for (const auto& c : corners) {
    s.left = std::min(s.left, c.x);
    s.right = std::max(s.right, c.x);
    s.top = std::min(s.top, c.y);
    s.bottom = std::max(s.bottom, c.y);
  }
  return s;
}

// Reading order: a symbol whose vertical centre lies above the bottom of the
// current row joins it (a row of labels is never perfectly level); rows go
// top to bottom, symbols left to right within a row.
void sort_reading_order(std::vector<DecodedSymbol>& symbols) {
  std::sort(symbols.begin(), symbols.end(), [](const auto& a, const auto& b) { return a.top < b.top; });
  auto row_start = symbols.begin();
  while (row_start != symbols.end()) {
    int row_bottom = row_start->bottom;
    auto row_end = row_start + 1;
    while (row_end != symbols.end() && (row_end->top + row_end->bottom) / 2 <= row_bottom) {
      row_bottom = std::max(row_bottom, row_end->bottom);
      ++row_end;
    }
    std::sort(row_start, row_end, [](const auto& a, const auto& b) { return a.left < b.left; });
    row_start = row_end;
  }
}

// Spreads the grey levels between the darkest and brightest 1% over 0-255:
// a faded label or a dim frame gets the contrast the binarizer expects.
GrayImage stretch_contrast(const GrayImage& image) {
  std::array<std::size_t, 256> histogram{};
  for (auto p : image.pixels) ++histogram[p];
  const std::size_t tail = image.pixels.size() / 100;
  int low = 0, high = 255;
  for (std::size_t seen = 0; low < 255 && seen + histogram[static_cast<std::size_t>(low)] <= tail; ++low)
    seen += histogram[static_cast<std::size_t>(low)];
  for (std::size_t seen = 0; high > 0 && seen + histogram[static_cast<std::size_t>(high)] <= tail; --high)
    seen += histogram[static_cast<std::size_t>(high)];
  GrayImage out = image;
  if (high <= low) return out;
  for (auto& p : out.pixels) p = static_cast<std::uint8_t>(std::clamp((p - low) * 255 / (high - low), 0, 255));
  return out;
}

ZXing::ImageView view_of(const GrayImage& image) {
  return ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
}

// One ZXing call; positions moved by (dx, dy) into the whole image.
std::vector<DecodedSymbol> read_view(const ZXing::ImageView& view, const ZXing::DecodeHints& hints, int dx, int dy) {
  std::vector<DecodedSymbol> symbols;
  for (const auto& r : ZXing::ReadBarcodes(view, hints)) {
    if (!r.isValid()) continue;
    auto s = to_symbol(r);
    s.left += dx;
    s.right += dx;
    s.top += dy;
    s.bottom += dy;
    symbols.push_back(std::move(s));
  }
  return symbols;
}

// How to look at an image once.
struct Pass {
  ZXing::BarcodeFormats formats;
  ZXing::Binarizer binarizer = ZXing::Binarizer::LocalAverage;
  bool data_matrix_strips = true;
  bool linear_one_by_one = false;
  int scale = 1;  // how much the image was enlarged
};

ZXing::DecodeHints hints_for(ZXing::BarcodeFormats formats, const Pass& pass) {
  ZXing::DecodeHints hints;
  hints.setFormats(formats);
  hints.setBinarizer(pass.binarizer);
  // ZXing 1.4 aborts (a failed assertion, kept in Debian's build) when it
  // compares two results of the same linear code, which its downscaled
  // second look at a frame produces for any large linear code. Frames are
  // small enough without it; enlarge_2x covers the small codes.
  hints.setTryDownscale(false);
  return hints;
}

bool same_symbol(const DecodedSymbol& a, const DecodedSymbol& b) {
  return a.text == b.text && a.symbology == b.symbology && a.left <= b.right && b.left <= a.right &&
         a.top <= b.bottom && b.top <= a.bottom;
}

void add_new(std::vector<DecodedSymbol>& into, std::vector<DecodedSymbol> more) {
  for (auto& s : more)
    if (std::none_of(into.begin(), into.end(), [&](const DecodedSymbol& o) { return same_symbol(o, s); }))
      into.push_back(std::move(s));
}

// ZXing 1.4's DataMatrix detector, as Debian builds it (without C++20
// coroutines), only follows the horizontal and vertical lines through the
// centre of the image: a DataMatrix off both lines is never found. Strips of
// the image centred on every `step`-th row put a line through every symbol
// at least `step` pixels tall; a symbol up to 2 * (half - step / 2) pixels
// tall fits in the strip whose line is nearest its middle, and a larger one
// always crosses a centre line of the frame itself. An enlarged image is
// searched for the small symbols the first look missed (up to 96 pixels of
// the original): lower strips do.
std::vector<DecodedSymbol> read_data_matrix_strips(const GrayImage& image, const Pass& pass) {
  const int step = 32 * pass.scale;
  const int half = pass.scale == 1 ? 136 : 64 * pass.scale;
  const auto view = view_of(image);
  const auto hints = hints_for(ZXing::BarcodeFormat::DataMatrix, pass);
  std::vector<DecodedSymbol> found;
  for (int y = step / 2; y < image.height; y += step) {
    const int r = std::min({half, y, image.height - y});
    if (r < 8) continue;
    add_new(found, read_view(view.cropped(0, y - r, image.width, 2 * r), hints, 0, y - r));
  }
  return found;
}

// Linear codes one at a time, each painted out before looking for the next;
// a code that appears twice is reported once. For frames on which ZXing
// aborted: two identical linear codes trigger the assertion described above.
std::vector<DecodedSymbol> read_linear_one_by_one(const GrayImage& image, ZXing::BarcodeFormats linear,
                                                  const Pass& pass) {
  GrayImage work = image;
  auto hints = hints_for(linear, pass);
  hints.setMaxNumberOfSymbols(1);
  std::vector<DecodedSymbol> found;
  constexpr int kMaxLinear = 16;
  for (int i = 0; i < kMaxLinear; ++i) {
    auto next = read_view(view_of(work), hints, 0, 0);
    if (next.empty()) break;
    const DecodedSymbol& s = next.front();
    // ZXing stops after two scan lines: paint out well beyond them.
    const int width = s.right - s.left;
    const int pad_x = std::max(6, width / 8);
    const int pad_y = std::max(6, width / 4);
    for (int y = std::max(0, s.top - pad_y); y <= std::min(work.height - 1, s.bottom + pad_y); ++y)
      for (int x = std::max(0, s.left - pad_x); x <= std::min(work.width - 1, s.right + pad_x); ++x)
        work.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(work.width) + static_cast<std::size_t>(x)] =
            255;
    if (std::none_of(found.begin(), found.end(),
                     [&](const DecodedSymbol& o) { return o.text == s.text && o.symbology == s.symbology; }))
      found.push_back(s);
  }
  return found;
}

// One look at the image; positions in the caller's (not enlarged) image.
std::vector<DecodedSymbol> read_pass(const GrayImage& image, const Pass& pass) {
  std::vector<DecodedSymbol> symbols;
  if (!pass.linear_one_by_one) {
    symbols = read_view(view_of(image), hints_for(pass.formats, pass), 0, 0);
  } else {
    const auto matrix = pass.formats & ZXing::BarcodeFormats(ZXing::BarcodeFormat::MatrixCodes);
    const auto linear = pass.formats & ZXing::BarcodeFormats(ZXing::BarcodeFormat::LinearCodes);
    if (!matrix.empty()) symbols = read_view(view_of(image), hints_for(matrix, pass), 0, 0);
    if (!linear.empty()) add_new(symbols, read_linear_one_by_one(image, linear, pass));
  }
  if (pass.data_matrix_strips && pass.formats.testFlag(ZXing::BarcodeFormat::DataMatrix))
    add_new(symbols, read_data_matrix_strips(image, pass));
  for (auto& s : symbols) {
    s.left /= pass.scale;
    s.top /= pass.scale;
    s.right /= pass.scale;
    s.bottom /= pass.scale;
  }
  return symbols;
}

// Symbols travel from the child process as length-prefixed fields, ended by
// a marker so that a child killed mid-write is never taken for an answer.
constexpr std::string_view kEndMarker = "END";

void put(std::string& out, std::string_view field) {
  const auto size = static_cast<std::uint32_t>(field.size());
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out.append(field);
}

std::string serialize(const std::vector<DecodedSymbol>& symbols) {
  std::string out;
  for (const auto& s : symbols) {
    put(out, s.text);
    put(out, s.symbology);
    put(out, s.symbology_id);
    put(out, s.gs1 ? "1" : "0");
    for (int v : {s.left, s.top, s.right, s.bottom}) put(out, std::to_string(v));
  }
  put(out, kEndMarker);
  return out;
}

std::optional<std::vector<DecodedSymbol>> deserialize(std::string_view in) {
  const auto take = [&in](std::string& field) {
    std::uint32_t size = 0;
    if (in.size() < sizeof size) return false;
    std::memcpy(&size, in.data(), sizeof size);
    in.remove_prefix(sizeof size);
    if (in.size() < size) return false;
    field.assign(in.substr(0, size));
    in.remove_prefix(size);
    return true;
  };
  std::vector<DecodedSymbol> symbols;
  std::string field;
  while (take(field)) {
    if (field == kEndMarker) return in.empty() ? std::optional(std::move(symbols)) : std::nullopt;
    DecodedSymbol s;
    s.text = field;
    std::string gs1, left, top, right, bottom;
    if (!take(s.symbology) || !take(s.symbology_id) || !take(gs1) || !take(left) || !take(top) || !take(right) ||
        !take(bottom))
      return std::nullopt;
    s.gs1 = gs1 == "1";
    s.left = std::stoi(left);
    s.top = std::stoi(top);
    s.right = std::stoi(right);
    s.bottom = std::stoi(bottom);
    symbols.push_back(std::move(s));
  }
  return std::nullopt;
}

// A request to the worker process: how to look, and the image.
struct Request {
  enum class Prepare : std::uint8_t { as_is, enlarged, stretched_enlarged };
  Prepare prepare = Prepare::as_is;
  ZXing::Binarizer binarizer = ZXing::Binarizer::LocalAverage;
  bool data_matrix_strips = true;
  bool linear_one_by_one = false;
  ZXing::BarcodeFormats formats;
};

std::string encode(const Request& r, const GrayImage& image) {
  std::string out;
  out += static_cast<char>(r.prepare);
  out += static_cast<char>(r.binarizer);
  out += static_cast<char>(r.data_matrix_strips);
  out += static_cast<char>(r.linear_one_by_one);
  std::uint32_t formats = 0;
  for (const auto f : r.formats) formats |= static_cast<std::uint32_t>(f);
  const std::int32_t size[2] = {image.width, image.height};
  out.append(reinterpret_cast<const char*>(&formats), sizeof formats);
  out.append(reinterpret_cast<const char*>(size), sizeof size);
  out.append(reinterpret_cast<const char*>(image.pixels.data()), image.pixels.size());
  return out;
}

// Runs in the worker process.
std::string handle(std::string_view in) {
  constexpr std::size_t kHeader = 4 + 4 + 8;
  if (in.size() < kHeader) return {};
  Request r;
  r.prepare = static_cast<Request::Prepare>(in[0]);
  r.binarizer = static_cast<ZXing::Binarizer>(in[1]);
  r.data_matrix_strips = in[2] != 0;
  r.linear_one_by_one = in[3] != 0;
  std::uint32_t formats = 0;
  std::int32_t size[2] = {0, 0};
  std::memcpy(&formats, in.data() + 4, sizeof formats);
  std::memcpy(size, in.data() + 8, sizeof size);
  GrayImage image;
  image.width = size[0];
  image.height = size[1];
  const std::string_view pixels = in.substr(kHeader);
  if (image.width <= 0 || image.height <= 0 ||
      pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
    return {};
  image.pixels.assign(pixels.begin(), pixels.end());
  Pass pass;
  for (unsigned bit = 0; bit < 32; ++bit)
    if (formats & (1U << bit)) pass.formats |= static_cast<ZXing::BarcodeFormat>(1U << bit);
  pass.binarizer = r.binarizer;
  pass.data_matrix_strips = r.data_matrix_strips;
  pass.linear_one_by_one = r.linear_one_by_one;
  switch (r.prepare) {
    case Request::Prepare::as_is: break;
    case Request::Prepare::enlarged:
      image = enlarge_2x(image);
      pass.scale = 2;
      break;
    case Request::Prepare::stretched_enlarged:
      image = enlarge_2x(stretch_contrast(image));
      pass.scale = 2;
      break;
  }
  return serialize(read_pass(image, pass));
}

}  // namespace

std::string_view to_string(Symbology symbology) {
  for (const auto& s : symbology_table())
    if (s.symbology == symbology) return s.name;
  return "unknown";
}

std::optional<Symbology> symbology_from_name(std::string_view name) {
  for (const auto& s : symbology_table())
    if (s.name == name) return s.symbology;
  return std::nullopt;
}

Result<GrayImage> load_grayscale(std::span<const std::uint8_t> bytes) {
  const bool png = starts_with(bytes, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
  const bool jpeg = starts_with(bytes, {0xFF, 0xD8, 0xFF});
  if (!png && !jpeg) return fail("not a PNG or JPEG image");
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return fail("image file too large");
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int length = static_cast<int>(bytes.size());
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(data, length, &width, &height, &channels))
    return fail(std::string(png ? "PNG" : "JPEG") + " image cannot be read: " + stbi_failure_reason());
  if (static_cast<long>(width) * height > kMaxPixels)
    return fail("image is " + std::to_string(width) + "x" + std::to_string(height) + " pixels; at most " +
                std::to_string(kMaxPixels / 1000000) + " megapixels are decoded");
  // Grey+alpha when there is alpha (channels 2 or 4), so that transparent
  // pixels become white paper whatever colour they hide.
  const bool alpha = channels == 2 || channels == 4;
  const std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> pixels(
      stbi_load_from_memory(data, length, &width, &height, &channels, alpha ? 2 : 1), &stbi_image_free);
  if (!pixels) return fail(std::string(png ? "PNG" : "JPEG") + " image cannot be decoded: " + stbi_failure_reason());
  GrayImage image;
  image.width = width;
  image.height = height;
  const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  image.pixels.resize(count);
  if (alpha) {
    for (std::size_t i = 0; i < count; ++i) {
      const int grey = pixels.get()[2 * i];
      const int a = pixels.get()[2 * i + 1];
      image.pixels[i] = static_cast<std::uint8_t>((grey * a + 255 * (255 - a) + 127) / 255);
    }
  } else {
    std::copy(pixels.get(), pixels.get() + count, image.pixels.begin());
  }
  return image;
}

// Bilinear enlargement by 2: ZXing needs about 2 pixels per module, and
// finds small codes it missed once their modules are interpolated larger.
GrayImage enlarge_2x(const GrayImage& in) {
  GrayImage out;
  out.width = in.width * 2;
  out.height = in.height * 2;
  out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
  const auto at = [&](int x, int y) {
    x = std::clamp(x, 0, in.width - 1);
    y = std::clamp(y, 0, in.height - 1);
    return static_cast<int>(in.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(in.width) +
                                      static_cast<std::size_t>(x)]);
  };
  for (int y = 0; y < out.height; ++y) {
    // Output pixel centres sit at source coordinates (y - 0.5) / 2: weights
    // of 1/4 and 3/4 between neighbours.
    const int sy = (y - 1) >> 1;
    const int wy = (y & 1) ? 3 : 1;  // weight of row sy, in quarters
    for (int x = 0; x < out.width; ++x) {
      const int sx = (x - 1) >> 1;
      const int wx = (x & 1) ? 3 : 1;
      const int top = at(sx, sy) * wx + at(sx + 1, sy) * (4 - wx);
      const int bottom = at(sx, sy + 1) * wx + at(sx + 1, sy + 1) * (4 - wx);
      out.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) + static_cast<std::size_t>(x)] =
          static_cast<std::uint8_t>((top * wy + bottom * (4 - wy) + 8) / 16);
    }
  }
  return out;
}


ImageDecoder::ImageDecoder(DecoderOptions options)
    : options_(std::move(options)), worker_(std::make_unique<IsolatedWorker>(handle)) {}

ImageDecoder::~ImageDecoder() = default;
ImageDecoder::ImageDecoder(ImageDecoder&&) noexcept = default;
ImageDecoder& ImageDecoder::operator=(ImageDecoder&&) noexcept = default;

Result<std::vector<DecodedSymbol>> ImageDecoder::decode(const GrayImage& image) const {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
    return fail("empty or inconsistent image");
  Request request;
  for (const auto symbology : options_.symbologies)
    for (const auto& s : symbology_table())
      if (s.symbology == symbology) request.formats |= s.formats;
  if (request.formats.empty()) return std::vector<DecodedSymbol>{};
  request.data_matrix_strips = options_.data_matrix_everywhere;
  // A look as ZXing does it; if ZXing dies on the frame, the careful one.
  const auto look = [&](Request r) -> Result<std::vector<DecodedSymbol>> {
    std::string why;
    for (const bool careful : {false, true}) {
      r.linear_one_by_one = careful;
      auto answer = worker_->call(encode(r, image), options_.deadline);
      if (!answer) {
        why = answer.error();
        continue;
      }
      if (auto symbols = deserialize(*answer)) return std::move(*symbols);
      why = "the worker process answered nonsense";
    }
    return fail("the image could not be decoded: " + why);
  };
  auto symbols = look(request);
  const bool room_to_enlarge = static_cast<long>(image.width) * image.height * 4 <= kMaxPixels;
  if (symbols && symbols->empty()) {
    switch (options_.second_pass) {
      case SecondPass::none: break;
      case SecondPass::global_histogram:
        request.binarizer = ZXing::Binarizer::GlobalHistogram;
        symbols = look(request);
        break;
      case SecondPass::enlarged:
        request.prepare = Request::Prepare::enlarged;
        if (room_to_enlarge) symbols = look(request);
        break;
      case SecondPass::stretched_enlarged:
        request.prepare = Request::Prepare::stretched_enlarged;
        if (room_to_enlarge) symbols = look(request);
        break;
    }
  }
  if (symbols) sort_reading_order(*symbols);
  return symbols;
}

Result<std::vector<DecodedSymbol>> ImageDecoder::decode(std::span<const std::uint8_t> image_bytes) const {
  const auto image = load_grayscale(image_bytes);
  if (!image) return fail(image.error());
  return decode(*image);
}

}  // namespace steritrack::scan
