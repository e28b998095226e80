// std.convis's retina ganglion stages (stdlib/convis/retina_ganglion.cvm) bound to their
// kernels: GanglionInput (interpreter/kernels/retina_ganglion.h) and GanglionSpiking
// (interpreter/kernels/ganglion_spiking.h). With `enabled = false` either stage passes its
// input through unchanged (convis's Retina(gang = False) / Retina(spikes = False)).
#include <ATen/core/grad_mode.h>

#include "interpreter/kernels/ganglion_spiking.h"
#include "interpreter/kernels/retina_ganglion.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

class GanglionInputLayer : public Layer {
 public:
  GanglionInputLayer(const graph::Node& node, const LayerContext& ctx)
      : steps_per_second_(ctx.resolution.steps_per_second),
        crop_(arg_bool(node, "crop")),
        enabled_(arg_bool(node, "enabled")) {}

  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (!enabled_) return {in[0]};
    if (needs_graph(in[0])) {
      std::vector<at::Tensor> r = kernels::ganglion_input_differentiable(
          in[0], state_.history, params.at("transient_weight"), params.at("transient_bias"), params.at("sign"),
          params.at("i_0"), params.at("v_0"), params.at("lambda_G"), params.at("spatial_pooling_weight"),
          params.at("spatial_pooling_bias"), crop_);
      state_.history = r[1];
      return {r[0]};
    }
    kernels::GanglionInputParams p;
    p.transient_weight = params.at("transient_weight");
    p.transient_bias = scalar("transient_bias");
    p.sign = scalar("sign");
    p.i_0 = scalar("i_0");
    p.v_0 = scalar("v_0");
    p.lambda_G = scalar("lambda_G");
    p.pooling_weight = params.at("spatial_pooling_weight");
    p.pooling_bias = scalar("spatial_pooling_bias");
    p.crop = crop_;
    p.exponential = kernels::exponential_transient(p.transient_weight, scalar("transient_tau_center"),
                                                   scalar("transient_relative_weight_center"), steps_per_second_);
    return {kernels::ganglion_input(in[0], p, state_)};
  }
  void reset_state() override { state_.history = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override {
    return {state_.history.defined() ? state_.history.clone() : at::Tensor()};
  }
  void restore_state(const std::vector<at::Tensor>& s) override { state_.history = s.at(0); }

 private:
  float scalar(const char* name) const { return params.at(name).item<float>(); }
  /// Whether this chunk must build an autograd graph (a fit's gradient pass).
  bool needs_graph(const at::Tensor& x) const {
    if (!at::GradMode::is_enabled()) return false;
    if (x.requires_grad()) return true;
    for (const auto& entry : params) {
      if (entry.second.requires_grad()) return true;
    }
    return false;
  }

  double steps_per_second_;
  bool crop_, enabled_;
  kernels::GanglionInputState state_;
};

class GanglionSpikingLayer : public Layer {
 public:
  GanglionSpikingLayer(const graph::Node& node, const LayerContext& ctx)
      : path_(node.path),
        range_(node.range),
        enabled_(arg_bool(node, "enabled")),
        rng_(ctx.seed, kernels::layer_stream_id(node.path)) {}

  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (!enabled_) return {in[0]};
    kernels::GanglionSpikingParams p;
    p.refr_mu = scalar("refr_mu");
    p.refr_sigma = scalar("refr_sigma");
    p.noise_sigma = scalar("noise_sigma");
    p.g_L = scalar("g_L");
    p.tau = scalar("tau");
    return {kernels::ganglion_spikes(in[0].detach(), p, rng_, state_)};
  }
  void reset_state() override { state_ = kernels::GanglionSpikingState(); }
  std::vector<at::Tensor> save_state() const override {
    auto copy = [](const at::Tensor& t) { return t.defined() ? t.clone() : at::Tensor(); };
    return {copy(state_.V), copy(state_.refr), at::scalar_tensor(state_.step, at::kLong)};
  }
  void restore_state(const std::vector<at::Tensor>& s) override {
    state_.V = s.at(0);
    state_.refr = s.at(1);
    state_.step = s.at(2).item<int64_t>();
  }
  void set_state(const std::string& name, const at::Tensor& value) override {
    if (name != "V" && name != "refr") {
      throw RuntimeError("layer '" + path_ + "' has no state '" + name + "' (its states: V, refr)", range_);
    }
    if (value.dim() != 2 && value.dim() != 4) {
      throw RuntimeError("the state '" + name + "' of layer '" + path_ +
                             "' must be [x, y] or [batch, channel, x, y], not " + c10::str(value.sizes()),
                         range_);
    }
    (name == "V" ? state_.V : state_.refr) = value.to(at::kFloat).contiguous().clone();
  }

 private:
  float scalar(const char* name) const { return params.at(name).item<float>(); }

  std::string path_;
  SourceRange range_;
  bool enabled_;
  kernels::CounterRng rng_;
  kernels::GanglionSpikingState state_;
};

const bool registered = [] {
  register_layer("GanglionInput", [](const graph::Node& n, const LayerContext& c) {
    return std::make_unique<GanglionInputLayer>(n, c);
  });
  register_layer("GanglionSpiking", [](const graph::Node& n, const LayerContext& c) {
    return std::make_unique<GanglionSpikingLayer>(n, c);
  });
  return true;
}();

}  // namespace
}  // namespace cvm::interp
