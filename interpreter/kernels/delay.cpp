#include "interpreter/kernels/delay.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "interpreter/kernels/autograd_support.h"

namespace cvm::kernels {

namespace {

void check_input(const at::Tensor& x) {
  if (x.dim() != 5 || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble))
    throw std::invalid_argument("delay: expected a float32 or float64 [B, C, T, X, Y] tensor");
}

/// The last `depth` frames before x followed by x: [B, C, depth + T, X, Y], contiguous.
/// Frames older than the state are zero (before the run's first frame).
at::Tensor with_history(const at::Tensor& x, int64_t depth, const DelayState& state) {
  std::vector<int64_t> shape = x.sizes().vec();
  shape[2] = depth;
  at::Tensor past = state.frames;
  if (past.defined()) {
    if (past.size(0) != x.size(0) || past.size(1) != x.size(1) || past.size(3) != x.size(3) ||
        past.size(4) != x.size(4))
      throw std::invalid_argument("delay: the input's shape changed between calls");
    if (past.size(2) >= depth) {
      past = past.narrow(2, past.size(2) - depth, depth);
    } else {
      shape[2] = depth - past.size(2);
      past = at::cat({at::zeros(shape, x.options()), past}, 2);
    }
  } else {
    past = at::zeros(shape, x.options());
  }
  return at::cat({past, x}, 2).contiguous();
}

/// Keeps the last `depth` frames of `buffer` as the new state.
void keep_last(const at::Tensor& buffer, int64_t depth, DelayState& state) {
  state.frames = buffer.narrow(2, buffer.size(2) - depth, depth).clone();
}

}  // namespace

at::Tensor delay(const at::Tensor& x, int64_t delay, DelayState& state) {
  check_input(x);
  if (delay < 0) throw std::invalid_argument("delay: the delay must be >= 0");
  const at::Tensor buffer = with_history(x, delay, state);
  keep_last(buffer, delay, state);
  return buffer.narrow(2, 0, x.size(2)).contiguous();
}

at::Tensor variable_delay(const at::Tensor& x, const at::Tensor& delays, DelayState& state) {
  check_input(x);
  if (delays.dim() != 2 || delays.size(0) != x.size(3) || delays.size(1) != x.size(4))
    throw std::invalid_argument("variable_delay: the delays must be [X, Y] like the input's frames");
  const at::Tensor d = delays.to(at::kLong).contiguous();
  const int64_t* dp = d.data_ptr<int64_t>();
  const int64_t pixels = d.numel();
  int64_t depth = 0;
  for (int64_t p = 0; p < pixels; ++p) {
    if (dp[p] < 0) throw std::invalid_argument("variable_delay: delays must be >= 0");
    depth = std::max(depth, dp[p]);
  }
  const at::Tensor buffer = with_history(x, depth, state);
  const int64_t frames = x.size(2), planes = x.size(0) * x.size(1);
  if (needs_grad({buffer}) || x.scalar_type() != at::kFloat) {
    // Differentiable (and float64): the same copy as a gather along time.
    const at::Tensor t = at::arange(frames, d.options()).reshape({frames, 1, 1});
    const at::Tensor index = (depth + t - d.unsqueeze(0)).expand({x.size(0), x.size(1), frames, x.size(3), x.size(4)});
    keep_last(buffer, depth, state);
    return buffer.gather(2, index);
  }
  at::Tensor out = at::empty(x.sizes(), x.options());
  const float* in = buffer.data_ptr<float>();
  float* o = out.data_ptr<float>();
  // Output frame t of pixel p is buffer frame depth + t - d[p].
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* src = in + plane * (depth + frames) * pixels;
    float* dst = o + plane * frames * pixels;
    for (int64_t t = 0; t < frames; ++t) {
      const float* row = src + (depth + t) * pixels;
      float* ot = dst + t * pixels;
      for (int64_t p = 0; p < pixels; ++p) ot[p] = row[p - dp[p] * pixels];
    }
  }
  keep_last(buffer, depth, state);
  return out;
}

}  // namespace cvm::kernels
