#pragma once
// Barcodes in a camera frame or photo (PNG or JPEG). The only code that uses
// ZXing-cpp and stb_image; this header includes neither.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace steritrack::scan {

// The symbologies a decoder looks for: fewer is faster (4-5x from all to two).
enum class Symbology : std::uint8_t { data_matrix, code128, qr_code, ean_upc, databar, code39, itf, pdf417, aztec };

// Config names: datamatrix, code128, qr, ean-upc, databar, code39, itf, pdf417, aztec.
std::string_view to_string(Symbology symbology);
std::optional<Symbology> symbology_from_name(std::string_view name);

struct DecodedSymbol {
  // The text as a scanner with symbology identifiers switched on would send
  // it for GS1 symbols (and UPC-E, whose 8 digits are otherwise read as
  // EAN-8): "]d2" + the element string with ASCII 29 between fields; DataBar
  // as "]e001" + GTIN-14; DataBar Expanded in GS1 human-readable form. Any
  // other symbol: its decoded text. codes::parse accepts all of these.
  std::string text;
  std::string symbology;     // "DataMatrix", "Code128", "QRCode", "EAN-13", "UPC-E", "DataBar", ...
  std::string symbology_id;  // the AIM identifier ZXing reports: "]d2", "]C1", "]C0", "]Q1", "]E0", ...
  bool gs1 = false;          // GS1 content (FNC1 in first position)
  // Bounding box of the symbol in the image, pixels.
  int left = 0;
  int top = 0;
  int right = 0;
  int bottom = 0;
};

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major 8-bit luminance, width * height
};

// PNG (1-16 bits, grey, palette, RGB, with alpha composited onto white) or
// JPEG (baseline or progressive, grey or colour) to 8-bit luminance.
Result<GrayImage> load_grayscale(std::span<const std::uint8_t> bytes);

// The image enlarged 2x, bilinear: what the decoder's second pass looks at.
GrayImage enlarge_2x(const GrayImage& image);

// What the decoder tries when its first look at a frame finds nothing.
enum class SecondPass {
  none,
  global_histogram,    // one global threshold instead of local ones
  enlarged,            // the frame enlarged 2x (bilinear)
  stretched_enlarged,  // grey levels stretched to 0-255, then enlarged 2x
};

struct DecoderOptions {
  std::vector<Symbology> symbologies{Symbology::data_matrix, Symbology::code128, Symbology::qr_code,
                                     Symbology::ean_upc, Symbology::databar};
  // ZXing 1.4 (as Debian builds it) looks for DataMatrix only along the
  // frame's centre lines; strips of the frame let it find one anywhere, at
  // about twice the cost of a plain look.
  bool data_matrix_everywhere = true;
  // Measured on tests/data/images (bench_image): stretched_enlarged finds
  // the small, far and faded codes the first look misses.
  SecondPass second_pass = SecondPass::stretched_enlarged;
  // ZXing runs in a worker process (a crash in the library on a strange
  // frame must not take the daemon down); one still busy after this is killed.
  std::chrono::milliseconds deadline{10000};
};

class IsolatedWorker;

class ImageDecoder {
public:
  explicit ImageDecoder(DecoderOptions options = {});
  ~ImageDecoder();
  ImageDecoder(ImageDecoder&&) noexcept;
  ImageDecoder& operator=(ImageDecoder&&) noexcept;

  // Every barcode of the configured symbologies in the image, in reading
  // order (top to bottom, left to right). An empty list if there is none; a
  // refusal if the bytes are not a PNG or JPEG image or the image cannot be
  // decoded. ZXing runs in a worker process (see isolated_worker.hpp),
  // forked on the first call. Thread-safe: calls queue for the worker.
  Result<std::vector<DecodedSymbol>> decode(std::span<const std::uint8_t> image_bytes) const;
  Result<std::vector<DecodedSymbol>> decode(const GrayImage& image) const;

  const DecoderOptions& options() const { return options_; }

private:
  DecoderOptions options_;
  std::unique_ptr<IsolatedWorker> worker_;
};

}  // namespace steritrack::scan
