// One panel of a plot: a frame with data ranges mapped to pixels, ticks with labels, a
// light grid, axis labels (with their units, e.g. "time (ms)", "x (deg)"), a title, and
// what goes inside: lines, points, reference lines, a legend, an image.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "interpreter/plot/canvas.h"
#include "interpreter/plot/colormap.h"
#include "interpreter/plot/ticks.h"

namespace cvm::plot {

enum class Scale { Linear, Log };

struct AxisSpec {
  double lo = 0, hi = 1;          // the data range (widened to whole ticks unless `exact`)
  std::string label;              // with its unit: "time (ms)"
  Scale scale = Scale::Linear;    // Log needs lo > 0
  bool exact = false;             // keep [lo, hi] as given (the extent of an image)
};

class Axes {
 public:
  /// A panel in `area` of the canvas; the frame lies inside it, leaving room for tick
  /// labels, axis labels and the title. With `equal_aspect`, one unit has the same length
  /// on both axes (images), and the frame is centred in the room left.
  Axes(Canvas& canvas, Rect area, AxisSpec x, AxisSpec y, std::string title, bool equal_aspect = false);

  /// The frame: the rectangle the data is drawn in.
  const Rect& frame() const { return frame_; }
  double px(double x) const;
  double py(double y) const;

  /// The grid (under the data): call before drawing data.
  void draw_grid();
  /// Frame, ticks, tick labels, axis labels and title: call after drawing data.
  void draw_decorations();

  /// A polyline through (xs[i], ys[i]); non-finite points break it.
  void line(const std::vector<double>& xs, const std::vector<double>& ys, Color color, double width = 1.5,
            bool dashed = false);
  void point(double x, double y, Color color, double radius = 3.5);
  void vertical_line(double x, Color color, bool dashed = true);
  void horizontal_line(double y, Color color, bool dashed = true);
  /// A legend in the frame's top right corner, or right of the frame when `outside` (the
  /// caller leaves room for it).
  void legend(const std::vector<std::pair<std::string, Color>>& entries, bool outside = false);
  /// An image of `values` (nx * ny, x index outer) covering the x and y ranges, x to the
  /// right and y up, one rectangle per value.
  void image(const std::vector<float>& values, int64_t nx, int64_t ny, const ColorScale& scale);
  /// A note in the frame's top left (or top right) corner.
  void note(const std::string& text, bool right = false);

 private:
  Canvas& canvas_;
  Rect frame_;
  AxisSpec x_, y_;
  Ticks xt_, yt_;
  std::string title_;
};

}  // namespace cvm::plot
