// Tick marks for plot axes: "nice" positions (1, 2, 2.5 or 5 times a power of ten) that
// cover a data range, decades on a log axis, and tick labels with as many decimals as
// the spacing needs (scientific notation for very large or small numbers).
#pragma once

#include <string>
#include <vector>

namespace cvm::plot {

struct Ticks {
  double lo = 0, hi = 1;       // the axis range (the data range widened to whole ticks)
  std::vector<double> values;  // tick positions within [lo, hi]
  double step = 1;             // spacing of the ticks (a factor on a log axis)
};

/// About `target` ticks covering [lo, hi]; the range is widened to the outer ticks when
/// `widen`, else kept as given (images: the axis is the pixels' extent). An empty range
/// (lo == hi) is widened around its value.
Ticks linear_ticks(double lo, double hi, int target, bool widen = true);

/// Ticks at powers of ten covering [lo, hi] (both > 0), widened to whole decades; every
/// second or third decade when there are many.
Ticks log_ticks(double lo, double hi);

/// The label of a tick: "0", "2.5", "-0.05", "1e-6", "2.5e4": as many decimals as `step`
/// needs (pass the value itself as the step on a log axis).
std::string tick_label(double value, double step);

}  // namespace cvm::plot
