#include "interpreter/runtime/impulse.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cvm::interp {
namespace {

constexpr int64_t kDefaultChunk = 500;

/// Runs `shape` frames of zeros through every input, chunk by chunk, with a 1 at frame
/// `impulse` of the centre pixel when it is not negative. Only one chunk of input is
/// held at a time. Returns the outputs joined along time when `keep`.
std::vector<at::Tensor> run_input(ExecutionPlan& plan, std::array<int64_t, 3> shape, int64_t impulse, int64_t chunk,
                                  bool keep, const std::function<bool()>& stop) {
  const auto [frames, nx, ny] = shape;
  std::vector<std::vector<at::Tensor>> parts(plan.graph().outputs.size());
  for (int64_t t0 = 0; t0 < frames; t0 += chunk) {
    if (stop && stop()) throw ImpulseInterrupted();
    const int64_t n = std::min(chunk, frames - t0);
    std::vector<at::Tensor> inputs;
    for (const auto& in : plan.graph().inputs) {
      at::Tensor x = at::zeros({1, in.channels, n, nx, ny}, at::kFloat);
      if (impulse >= t0 && impulse < t0 + n) x.select(2, impulse - t0).select(2, nx / 2).select(2, ny / 2).fill_(1.0);
      inputs.push_back(x);
    }
    auto outputs = plan.run_chunk(inputs);
    if (!keep) continue;
    for (size_t k = 0; k < outputs.size(); ++k) parts[k].push_back(outputs[k]);
  }
  std::vector<at::Tensor> joined;
  for (auto& p : parts) {
    if (!p.empty()) joined.push_back(at::cat(p, 2));
  }
  return joined;
}

}  // namespace

std::vector<at::Tensor> impulse_response(ExecutionPlan& plan, std::array<int64_t, 3> shape, int64_t at,
                                         int64_t chunk, const std::function<bool()>& stop) {
  const auto [frames, nx, ny] = shape;
  if (frames < 1 || nx < 1 || ny < 1) {
    throw std::invalid_argument("the impulse input needs at least one frame and one pixel; its shape is [" +
                                std::to_string(frames) + ", " + std::to_string(nx) + ", " + std::to_string(ny) + "]");
  }
  if (at < 0 || at >= frames) {
    throw std::invalid_argument("the impulse frame " + std::to_string(at) + " lies outside the input's " +
                                std::to_string(frames) + " frames");
  }
  if (chunk <= 0) chunk = kDefaultChunk;
  at::NoGradGuard no_grad;
  plan.push_state();
  try {
    plan.reset_state();
    run_input(plan, shape, -1, chunk, false, stop);
    auto response = run_input(plan, shape, at, chunk, true, stop);
    plan.pop_state();
    return response;
  } catch (...) {
    plan.pop_state();
    throw;
  }
}

}  // namespace cvm::interp
