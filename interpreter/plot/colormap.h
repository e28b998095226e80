// Colours of plots: the colour scale of images (viridis for values of one sign, a
// blue-white-red scale symmetric about zero for values of both signs, so zero is white),
// images and their colour bar, and the colours of lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/plot/canvas.h"

namespace cvm::plot {

struct Rect {
  double x = 0, y = 0, width = 0, height = 0;
};

/// Maps values to colours for an image whose values lie in [lo, hi].
class ColorScale {
 public:
  /// Diverging (symmetric about 0) when [lo, hi] contains values of both signs, else
  /// viridis from lo to hi. An empty range is widened around its value.
  ColorScale(double lo, double hi);
  Color operator()(double value) const;
  double lo() const { return lo_; }
  double hi() const { return hi_; }

 private:
  double lo_, hi_;
  bool diverging_;
};

/// An image of `values` (nx * ny, x index outer) filling `frame`, x to the right and y up,
/// one sharp rectangle per value.
void draw_image(Canvas& canvas, Rect frame, const std::vector<float>& values, int64_t nx, int64_t ny,
                const ColorScale& scale);

/// A vertical colour bar in `frame` with ticks on its right and `label` beside them.
void draw_colorbar(Canvas& canvas, Rect frame, const ColorScale& scale, const std::string& label);

/// The colour of the k-th line of a plot (matplotlib's tab10 cycle).
Color line_color(int k);

}  // namespace cvm::plot
