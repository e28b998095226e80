// std.convis primitives bound to their kernels (interpreter/kernels). Each class reads
// its evaluated arguments from the graph node and keeps its own state between chunks.
// Parameters are passed to the kernels as tensors, so a fit (GradMode on, parameters that
// require gradients) differentiates through them; `cvm run` takes the kernels' fast paths.
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/nonlinearities.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

class Conv3dLayer : public Layer {
 public:
  explicit Conv3dLayer(const graph::Node& node)
      : padding_{arg_bool(node, "time_pad"), arg_bool(node, "autopad")} {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    c10::optional<at::Tensor> bias;
    auto it = params.find("bias");
    if (it != params.end()) bias = it->second;
    return {kernels::causal_conv3d(in[0], params.at("weight"), bias, history_, padding_)};
  }
  void reset_state() override { history_.frames = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override {
    return {history_.frames.defined() ? history_.frames.clone() : at::Tensor()};
  }
  void restore_state(const std::vector<at::Tensor>& s) override { history_.frames = s.at(0); }

 private:
  kernels::ConvPadding padding_;
  kernels::TimeHistory history_;
};

class LowPassLayer : public Layer {
 public:
  LowPassLayer(const graph::Node&, const LayerContext& ctx) : sps_(ctx.resolution.steps_per_second) {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const auto c = kernels::lowpass_coefficients(params.at("tau"), sps_, in[0].scalar_type());
    kernels::LowPassOutput r = kernels::recursive_lowpass(in[0], state_.last_y, c);
    state_.last_y = r.last_y;
    return {r.out};
  }
  void reset_state() override { state_.last_y = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override {
    return {state_.last_y.defined() ? state_.last_y.clone() : at::Tensor()};
  }
  void restore_state(const std::vector<at::Tensor>& s) override { state_.last_y = s.at(0); }

 private:
  double sps_;
  kernels::LowPassState state_;
};

class RectifyLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override { return {kernels::nl_rectify(in[0])}; }
};

class RectifyScaleLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::nl_rectify_scale(in[0], params.at("scale"), params.at("bias"))};
  }
};

class SquareLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::nl_square(in[0], params.at("scale"), params.at("bias"))};
  }
};

class RectifySquareLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::nl_rectify_square(in[0], params.at("scale"), params.at("bias"))};
  }
};

const bool registered = [] {
  register_layer("Conv3d", [](const graph::Node& n, const LayerContext&) { return std::make_unique<Conv3dLayer>(n); });
  register_layer("TemporalLowPassFilterRecursive",
                 [](const graph::Node& n, const LayerContext& c) { return std::make_unique<LowPassLayer>(n, c); });
  register_layer("NLRectify", [](const graph::Node&, const LayerContext&) { return std::make_unique<RectifyLayer>(); });
  register_layer("NLRectifyScale",
                 [](const graph::Node&, const LayerContext&) { return std::make_unique<RectifyScaleLayer>(); });
  register_layer("NLSquare", [](const graph::Node&, const LayerContext&) { return std::make_unique<SquareLayer>(); });
  register_layer("NLRectifySquare",
                 [](const graph::Node&, const LayerContext&) { return std::make_unique<RectifySquareLayer>(); });
  return true;
}();

}  // namespace
}  // namespace cvm::interp
