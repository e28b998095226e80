// std.convis temporal filters bound to their kernels: TimePadding, Delay, VariableDelay,
// TemporalHighPassFilterRecursive, SmoothConv, Diff and Conv1d. Each keeps its state
// between chunks, so the concatenated outputs of a chunked run equal the whole run's.
// TimePadding, Delay with length > 0 and Conv1d with time_pad = false change the number
// of frames: only the run's first chunk is longer (or shorter) than its input.
#include <string>

#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/delay.h"
#include "interpreter/kernels/frame_diff.h"
#include "interpreter/kernels/recursive_highpass.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/kernels/time_padding.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

/// A flag kept in a layer's saved state.
at::Tensor flag_tensor(bool b) { return at::scalar_tensor(b, at::kBool); }
bool flag_of(const at::Tensor& t) { return t.item<bool>(); }

/// Clones a state tensor that may be undefined.
at::Tensor copy(const at::Tensor& t) { return t.defined() ? t.clone() : at::Tensor(); }

int64_t non_negative_int(const graph::Node& node, const std::string& name) {
  const double v = arg_number(node, name);
  if (v < 0)
    throw RuntimeError(node.primitive + ": '" + name + "' must be >= 0, got " +
                           std::to_string(static_cast<int64_t>(v)),
                       node.range);
  return static_cast<int64_t>(v);
}

class TimePaddingLayer : public Layer {
 public:
  explicit TimePaddingLayer(const graph::Node& node) : length_(non_negative_int(node, "length")) {
    const std::string& name = node.arg("mode")->text;
    auto mode = kernels::padding_mode(name);
    if (!mode)
      throw RuntimeError("TimePadding: unknown mode \"" + name + "\" (the modes are " +
                             kernels::padding_mode_names() + ")",
                         node.range);
    mode_ = *mode;
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    // Padding waits for the first chunk with frames (a layer upstream without time
    // padding emits none at first).
    if (padded_ || length_ == 0 || in[0].size(2) == 0) return {in[0]};
    padded_ = true;
    return {at::cat({kernels::time_padding(in[0], length_, mode_), in[0]}, 2)};
  }
  void reset_state() override { padded_ = false; }
  std::vector<at::Tensor> save_state() const override { return {flag_tensor(padded_)}; }
  void restore_state(const std::vector<at::Tensor>& s) override { padded_ = flag_of(s.at(0)); }

 private:
  int64_t length_;
  kernels::PaddingMode mode_ = kernels::PaddingMode::FirstFrame;
  bool padded_ = false;  // the run's first chunk has been padded
};

class DelayLayer : public Layer {
 public:
  explicit DelayLayer(const graph::Node& node)
      : delay_(non_negative_int(node, "delay")), length_(non_negative_int(node, "length")) {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    at::Tensor y = kernels::delay(in[0], delay_, state_);
    if (!padded_ && length_ > 0) {
      std::vector<int64_t> shape = y.sizes().vec();
      shape[2] = length_;
      y = at::cat({at::zeros(shape, y.options()), y}, 2);
    }
    padded_ = true;
    return {y};
  }
  void reset_state() override {
    state_.frames = at::Tensor();
    padded_ = false;
  }
  std::vector<at::Tensor> save_state() const override { return {copy(state_.frames), flag_tensor(padded_)}; }
  void restore_state(const std::vector<at::Tensor>& s) override {
    state_.frames = s.at(0);
    padded_ = flag_of(s.at(1));
  }

 private:
  int64_t delay_, length_;
  kernels::DelayState state_;
  bool padded_ = false;  // the run's first chunk has been padded with `length` frames
};

class VariableDelayLayer : public Layer {
 public:
  explicit VariableDelayLayer(const graph::Node& node)
      : range_(node.range), transpose_(arg_bool(node, "transpose")) {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::variable_delay(in[0], pixel_delays(in[0].size(3), in[0].size(4)), state_)};
  }
  void reset_state() override { state_.frames = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override { return {copy(state_.frames)}; }
  void restore_state(const std::vector<at::Tensor>& s) override { state_.frames = s.at(0); }

 private:
  /// The delays parameter as whole frames per pixel, [x, y]: leading dimensions of size 1
  /// dropped, transposed if asked, broadcast to the frame size, truncated towards zero.
  at::Tensor pixel_delays(int64_t x, int64_t y) const {
    at::Tensor d = params.at("delays");
    while (d.dim() > 2 && d.size(0) == 1) d = d.squeeze(0);
    while (d.dim() < 2) d = d.unsqueeze(0);
    if (d.dim() > 2)
      throw RuntimeError("VariableDelay: the delays have shape " + shape_text(params.at("delays").sizes()) +
                             "; give [x, y] (or a shape that broadcasts to it)",
                         range_);
    if (transpose_) d = d.t();
    if ((d.size(0) != 1 && d.size(0) != x) || (d.size(1) != 1 && d.size(1) != y))
      throw RuntimeError("VariableDelay: delays of shape " + shape_text(d.sizes()) +
                             (transpose_ ? " (transposed)" : "") + " do not fit frames of " +
                             std::to_string(x) + "x" + std::to_string(y) + " pixels",
                         range_);
    if (!at::isfinite(d).all().item<bool>() || (d < 0).any().item<bool>())
      throw RuntimeError("VariableDelay: delays must be numbers of frames >= 0", range_);
    return d.expand({x, y}).trunc().to(at::kLong);
  }
  static std::string shape_text(at::IntArrayRef s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
  }

  SourceRange range_;
  bool transpose_;
  kernels::DelayState state_;
};

class HighPassLayer : public Layer {
 public:
  HighPassLayer(const graph::Node&, const LayerContext& ctx) : sps_(ctx.resolution.steps_per_second) {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const auto c = kernels::highpass_coefficients(params.at("tau"), params.at("k"), sps_, in[0].scalar_type());
    kernels::HighPassOutput r = kernels::recursive_highpass(in[0], state_.last_z, state_.last_x, c);
    state_.last_z = r.last_z;
    state_.last_x = r.last_x;
    return {r.out};
  }
  void reset_state() override { state_ = {}; }
  std::vector<at::Tensor> save_state() const override { return {copy(state_.last_z), copy(state_.last_x)}; }
  void restore_state(const std::vector<at::Tensor>& s) override {
    state_.last_z = s.at(0);
    state_.last_x = s.at(1);
  }

 private:
  double sps_;
  kernels::HighPassState state_;
};

/// The most stages a SmoothConv declares (e_n0_tau .. e_n7_tau in stdlib/convis/filters.cvm).
constexpr int64_t kSmoothConvMaxStages = 8;

class SmoothConvLayer : public Layer {
 public:
  SmoothConvLayer(const graph::Node& node, const LayerContext& ctx)
      : sps_(ctx.resolution.steps_per_second), stages_(static_cast<int64_t>(arg_number(node, "n"))) {
    if (stages_ < 1 || stages_ > kSmoothConvMaxStages)
      throw RuntimeError("SmoothConv: n must be between 1 and " + std::to_string(kSmoothConvMaxStages) +
                             ", got " + std::to_string(stages_),
                         node.range);
    lowpass_.resize(static_cast<size_t>(stages_));
    spatial_.resize(static_cast<size_t>(stages_));
  }
  /// out = sum_i g_i (*) E^(i+1) x: each low-pass stage filters the previous one's output.
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    at::Tensor y = in[0], sum;
    for (int64_t i = 0; i < stages_; ++i) {
      const std::string stage = "n" + std::to_string(i);
      const auto k = static_cast<size_t>(i);
      const auto c = kernels::lowpass_coefficients(params.at("e_" + stage + "_tau"), sps_, y.scalar_type());
      kernels::LowPassOutput r = kernels::recursive_lowpass(y, lowpass_[k].last_y, c);
      lowpass_[k].last_y = r.last_y;
      y = r.out;
      at::Tensor g = kernels::causal_conv3d(y, params.at("g_" + stage + "_weight"), c10::nullopt, spatial_[k]);
      sum = sum.defined() ? sum + g : g;
    }
    return {sum};
  }
  void reset_state() override {
    for (auto& s : lowpass_) s.last_y = at::Tensor();
  }
  std::vector<at::Tensor> save_state() const override {
    std::vector<at::Tensor> out;
    for (const auto& s : lowpass_) out.push_back(copy(s.last_y));
    return out;
  }
  void restore_state(const std::vector<at::Tensor>& s) override {
    for (size_t i = 0; i < lowpass_.size(); ++i) lowpass_[i].last_y = s.at(i);
  }

 private:
  double sps_;
  int64_t stages_;
  std::vector<kernels::LowPassState> lowpass_;
  std::vector<kernels::TimeHistory> spatial_;  // 1-frame kernels: only the spectrum cache
};

class DiffLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::frame_diff(in[0], state_)};
  }
  void reset_state() override { state_.last_frame = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override { return {copy(state_.last_frame)}; }
  void restore_state(const std::vector<at::Tensor>& s) override { state_.last_frame = s.at(0); }

 private:
  kernels::FrameDiffState state_;
};

/// A temporal convolution per pixel: Conv3d's causal kernel with a [out, in, K, 1, 1]
/// weight. With time_pad = false the first K-1 frames of a run (those that would need
/// frames before the start) give no output, as a "valid" convolution of the whole input.
class Conv1dLayer : public Layer {
 public:
  explicit Conv1dLayer(const graph::Node& node) : padding_{arg_bool(node, "time_pad"), true} {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const at::Tensor& w = params.at("weight");
    c10::optional<at::Tensor> bias;
    if (auto it = params.find("bias"); it != params.end()) bias = it->second;
    return {kernels::causal_conv3d(in[0], w.reshape({w.size(0), w.size(1), w.size(2), 1, 1}), bias, history_,
                                   padding_)};
  }
  void reset_state() override { history_.frames = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override { return {copy(history_.frames)}; }
  void restore_state(const std::vector<at::Tensor>& s) override { history_.frames = s.at(0); }

 private:
  kernels::ConvPadding padding_;
  kernels::TimeHistory history_;
};

const bool registered = [] {
  register_layer("TimePadding",
                 [](const graph::Node& n, const LayerContext&) { return std::make_unique<TimePaddingLayer>(n); });
  register_layer("Delay", [](const graph::Node& n, const LayerContext&) { return std::make_unique<DelayLayer>(n); });
  register_layer("VariableDelay",
                 [](const graph::Node& n, const LayerContext&) { return std::make_unique<VariableDelayLayer>(n); });
  register_layer("TemporalHighPassFilterRecursive",
                 [](const graph::Node& n, const LayerContext& c) { return std::make_unique<HighPassLayer>(n, c); });
  register_layer("SmoothConv",
                 [](const graph::Node& n, const LayerContext& c) { return std::make_unique<SmoothConvLayer>(n, c); });
  register_layer("Diff", [](const graph::Node&, const LayerContext&) { return std::make_unique<DiffLayer>(); });
  register_layer("Conv1d", [](const graph::Node& n, const LayerContext&) { return std::make_unique<Conv1dLayer>(n); });
  return true;
}();

}  // namespace
}  // namespace cvm::interp
