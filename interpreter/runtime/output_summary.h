// The lines that verbs print about a model's outputs: the shape and the min, mean and max
// of an output streamed chunk by chunk (`cvm run`, the REPL's `:run`), and the peak of an
// impulse response (the REPL's `:impulse`).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "frontend/units/unit.h"

namespace cvm::interp {

/// "[1, 1, 200, 20, 20]".
std::string shape_text(at::IntArrayRef shape);

/// Shape, min, sum and max of one output, accumulated over its chunks
/// ([batch, channel, time, x, y]; a chunk may have no frames).
class OutputStats {
 public:
  void add(const at::Tensor& chunk);
  /// The whole output's shape: the chunks' frames summed.
  std::vector<int64_t> shape() const;
  /// "NAME [1, 1, 200, 20, 20]  min 0  mean 0.12  max 1.5".
  std::string line(const std::string& name) const;

 private:
  std::vector<int64_t> shape_;
  double min_ = INFINITY, max_ = -INFINITY, sum_ = 0;
};

/// "peak 0.25 at 12 ms from the impulse, pixel (4, 4)": the largest |value| of a response
/// [batch, channel, time, x, y] to an impulse at frame `impulse_frame`.
std::string impulse_peak_text(const at::Tensor& response, int64_t impulse_frame, const Resolution& r);

}  // namespace cvm::interp
