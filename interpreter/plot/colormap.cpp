#include "interpreter/plot/colormap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "interpreter/io/array.h"
#include "interpreter/plot/ticks.h"

namespace cvm::plot {
namespace {

using Stops = std::array<std::array<unsigned char, 3>, 11>;

// matplotlib's viridis and RdBu_r at 11 evenly spaced points.
constexpr Stops kViridis{{{68, 1, 84},
                          {72, 36, 117},
                          {65, 68, 135},
                          {53, 95, 141},
                          {42, 120, 142},
                          {33, 145, 140},
                          {34, 168, 132},
                          {68, 191, 112},
                          {122, 209, 81},
                          {189, 223, 38},
                          {253, 231, 37}}};
constexpr Stops kBlueWhiteRed{{{5, 48, 97},
                               {33, 102, 172},
                               {67, 147, 195},
                               {146, 197, 222},
                               {209, 229, 240},
                               {247, 247, 247},
                               {253, 219, 199},
                               {244, 165, 130},
                               {214, 96, 77},
                               {178, 24, 43},
                               {103, 0, 31}}};

Color interpolate(const Stops& stops, double t) {
  if (!std::isfinite(t)) return {0.5, 0.5, 0.5};
  t = std::clamp(t, 0.0, 1.0) * (stops.size() - 1);
  const size_t i = std::min(static_cast<size_t>(t), stops.size() - 2);
  const double f = t - static_cast<double>(i);
  auto channel = [&](int c) { return ((1 - f) * stops[i][c] + f * stops[i + 1][c]) / 255.0; };
  return {channel(0), channel(1), channel(2)};
}

}  // namespace

ColorScale::ColorScale(double lo, double hi) : lo_(lo), hi_(hi) {
  if (!std::isfinite(lo_) || !std::isfinite(hi_)) lo_ = 0, hi_ = 1;
  const double m = std::max(std::abs(lo_), std::abs(hi_));
  diverging_ = lo_ < -1e-6 * m && hi_ > 1e-6 * m;
  if (diverging_) {
    lo_ = -m;
    hi_ = m;
  } else if (hi_ - lo_ <= 1e-12 * m || m == 0) {
    const double pad = m == 0 ? 1 : m * 0.1;
    lo_ -= pad;
    hi_ += pad;
  }
}

Color ColorScale::operator()(double value) const {
  const double t = (value - lo_) / (hi_ - lo_);
  return interpolate(diverging_ ? kBlueWhiteRed : kViridis, t);
}

void draw_image(Canvas& canvas, Rect frame, const std::vector<float>& values, int64_t nx, int64_t ny,
                const ColorScale& scale) {
  // One pixel per value in an image surface, painted scaled with nearest-neighbour
  // sampling: sharp pixels in PNG, and a small embedded image in SVG. A frame larger than
  // kMaxImageSide along a side is reduced by blocks, each shown by its value of largest
  // magnitude, so peaks stay visible (a plot is a few hundred pixels wide anyway).
  constexpr int64_t kMaxImageSide = 2048;
  const int64_t bx = (nx + kMaxImageSide - 1) / kMaxImageSide, by = (ny + kMaxImageSide - 1) / kMaxImageSide;
  const int64_t w = (nx + bx - 1) / bx, h = (ny + by - 1) / by;
  cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(w), static_cast<int>(h));
  if (const cairo_status_t status = cairo_surface_status(img); status != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    throw io::DataError(std::string("cannot draw an image of ") + std::to_string(w) + " x " + std::to_string(h) +
                        " pixels: " + cairo_status_to_string(status));
  }
  cairo_surface_flush(img);
  unsigned char* data = cairo_image_surface_get_data(img);
  const int stride = cairo_image_surface_get_stride(img);
  for (int64_t i = 0; i < w; ++i) {
    for (int64_t j = 0; j < h; ++j) {
      float v = values[static_cast<size_t>(i * bx * ny + j * by)];
      for (int64_t a = i * bx; a < std::min(nx, (i + 1) * bx); ++a) {
        for (int64_t b = j * by; b < std::min(ny, (j + 1) * by); ++b) {
          const float u = values[static_cast<size_t>(a * ny + b)];
          if (std::fabs(u) > std::fabs(v)) v = u;
        }
      }
      const Color c = scale(v);
      auto* pixel = reinterpret_cast<uint32_t*>(data + (h - 1 - j) * stride) + i;
      *pixel = (static_cast<uint32_t>(std::lround(c.r * 255)) << 16) |
               (static_cast<uint32_t>(std::lround(c.g * 255)) << 8) | static_cast<uint32_t>(std::lround(c.b * 255));
    }
  }
  cairo_surface_mark_dirty(img);
  cairo_t* cr = canvas.cr();
  cairo_save(cr);
  cairo_rectangle(cr, frame.x, frame.y, frame.width, frame.height);
  cairo_clip(cr);
  cairo_translate(cr, frame.x, frame.y);
  cairo_scale(cr, frame.width * static_cast<double>(bx) / static_cast<double>(nx),
              frame.height * static_cast<double>(by) / static_cast<double>(ny));
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(img);
}

void draw_colorbar(Canvas& canvas, Rect frame, const ColorScale& scale, const std::string& label) {
  const int64_t steps = 256;
  std::vector<float> gradient(static_cast<size_t>(steps));
  for (int64_t k = 0; k < steps; ++k) {
    gradient[static_cast<size_t>(k)] =
        static_cast<float>(scale.lo() + (scale.hi() - scale.lo()) * (static_cast<double>(k) + 0.5) / steps);
  }
  draw_image(canvas, frame, gradient, 1, steps, scale);
  cairo_t* cr = canvas.cr();
  set_color(cr, {0, 0, 0});
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, frame.x + 0.5, frame.y + 0.5, frame.width - 1, frame.height - 1);
  cairo_stroke(cr);
  const Ticks ticks = linear_ticks(scale.lo(), scale.hi(), 5, false);
  double widest = 0;
  for (double v : ticks.values) {
    const double y = frame.y + frame.height * (1 - (v - scale.lo()) / (scale.hi() - scale.lo()));
    cairo_move_to(cr, frame.x + frame.width, std::round(y) + 0.5);
    cairo_line_to(cr, frame.x + frame.width + 4, std::round(y) + 0.5);
    cairo_stroke(cr);
    const std::string text = tick_label(v, ticks.step);
    canvas.text(text, frame.x + frame.width + 7, y, Align::Start, Align::Middle, 11);
    widest = std::max(widest, canvas.text_width(text, 11));
  }
  if (!label.empty()) {
    canvas.text(label, frame.x + frame.width + 14 + widest, frame.y + frame.height / 2, Align::Middle, Align::Start,
                12, false, 90);
  }
}

Color line_color(int k) {
  static constexpr std::array<std::array<unsigned char, 3>, 10> kTab10{{{31, 119, 180},
                                                                         {255, 127, 14},
                                                                         {44, 160, 44},
                                                                         {214, 39, 40},
                                                                         {148, 103, 189},
                                                                         {140, 86, 75},
                                                                         {227, 119, 194},
                                                                         {127, 127, 127},
                                                                         {188, 189, 34},
                                                                         {23, 190, 207}}};
  const auto& c = kTab10[static_cast<size_t>(k) % kTab10.size()];
  return {c[0] / 255.0, c[1] / 255.0, c[2] / 255.0};
}

}  // namespace cvm::plot
