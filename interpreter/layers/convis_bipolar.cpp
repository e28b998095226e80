// std.convis's Bipolar (stdlib/convis/retina_bipolar.cvm), convis's contrast gain control,
// bound to its fused kernel (interpreter/kernels/retina_bipolar.h). The layer reads its
// parameters at every chunk, keeps V and the inhibition between chunks, and lets a user set
// either ([x, y] for every plane, or [batch, channel, x, y]). With enabled = false it passes
// its input through, as Retina(bipolar = False) in convis.
#include "interpreter/kernels/autograd_support.h"
#include "interpreter/kernels/retina_bipolar.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

/// Clones a state tensor that may be undefined.
at::Tensor copy(const at::Tensor& t) { return t.defined() ? t.clone() : at::Tensor(); }

class BipolarLayer : public Layer {
 public:
  explicit BipolarLayer(const graph::Node& node)
      : path_(node.path), range_(node.range), enabled_(arg_bool(node, "enabled")) {}

  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (!enabled_) return {in[0]};
    const kernels::BipolarParams p{params.at("lambda_amp"), params.at("g_leak"), params.at("input_amp"),
                                   params.at("conv2d_weight"), params.at("conv2d_bias")};
    return {kernels::retina_bipolar(in[0], p, state_)};
  }
  void reset_state() override { state_ = {}; }
  std::vector<at::Tensor> save_state() const override { return {copy(state_.V), copy(state_.inhibition)}; }
  void restore_state(const std::vector<at::Tensor>& s) override {
    state_.V = s.at(0);
    state_.inhibition = s.at(1);
  }
  void detach_state() override {
    state_.V = kernels::detached(state_.V);
    state_.inhibition = kernels::detached(state_.inhibition);
  }
  void set_state(const std::string& name, const at::Tensor& value) override {
    at::Tensor* target = name == "V" ? &state_.V : name == "inhibition" ? &state_.inhibition : nullptr;
    if (target == nullptr)
      throw RuntimeError("layer '" + path_ + "' has no state '" + name + "' (its states: V, inhibition)", range_);
    if (value.dim() != 2 && value.dim() != 4)
      throw RuntimeError("the state '" + name + "' of layer '" + path_ +
                             "' must be [x, y] or [batch, channel, x, y], not " + c10::str(value.sizes()),
                         range_);
    *target = value.to(at::kFloat).contiguous().clone();
  }

 private:
  std::string path_;
  SourceRange range_;
  bool enabled_;
  kernels::BipolarState state_;
};

const bool registered = register_layer("Bipolar", [](const graph::Node& n, const LayerContext&) {
  return std::make_unique<BipolarLayer>(n);
});

}  // namespace
}  // namespace cvm::interp
