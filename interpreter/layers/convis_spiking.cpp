// std.convis spiking primitives (stdlib/convis/spiking.cvm) bound to their kernels
// (interpreter/kernels/spiking*.h, motion_sensor.h). Each layer reads its parameters at
// every chunk, keeps its kernel state between chunks, and exposes the state variables its
// declaration names (`state V`) to set_state, e.g. an initial membrane potential [x, y].
#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/kernels/motion_sensor.h"
#include "interpreter/kernels/spiking.h"
#include "interpreter/kernels/spiking_dynamics.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

/// A spiking layer: named state tensors (undefined = the kernel's initial value) and,
/// for random layers, the frame counter that keys its random numbers.
class SpikingLayer : public Layer {
 public:
  void reset_state() override {
    for (auto& s : states_) *s.second = at::Tensor();
    if (step_) *step_ = 0;
  }
  std::vector<at::Tensor> save_state() const override {
    std::vector<at::Tensor> saved;
    for (const auto& s : states_) saved.push_back(s.second->defined() ? s.second->clone() : at::Tensor());
    if (step_) saved.push_back(at::scalar_tensor(*step_, at::kLong));
    return saved;
  }
  void restore_state(const std::vector<at::Tensor>& saved) override {
    for (size_t i = 0; i < states_.size(); ++i) *states_[i].second = saved.at(i);
    if (step_) *step_ = saved.at(states_.size()).item<int64_t>();
  }
  void set_state(const std::string& name, const at::Tensor& value) override {
    for (auto& s : states_) {
      if (s.first != name) continue;
      if (value.dim() != 2 && value.dim() != 4) {
        throw RuntimeError("the state '" + name + "' of layer '" + path_ +
                               "' must be [x, y] or [batch, channel, x, y], not " + c10::str(value.sizes()),
                           range_);
      }
      *s.second = value.to(at::kFloat).contiguous().clone();
      return;
    }
    std::vector<std::string> names;
    for (const auto& s : states_) names.push_back(s.first);
    throw RuntimeError("layer '" + path_ + "' has no state '" + name + "'" +
                           (names.empty() ? std::string(" (it has none that can be set)")
                                          : " (its states: " + join_names(names) + ")"),
                       range_);
  }

 protected:
  SpikingLayer(const graph::Node& node, const LayerContext& ctx)
      : path_(node.path), range_(node.range), rng_(ctx.seed, kernels::layer_stream_id(node.path)) {}
  /// Names the state tensors (in the order of the declaration) and the frame counter.
  void declare_state(std::vector<std::pair<std::string, at::Tensor*>> states, int64_t* step) {
    states_ = std::move(states);
    step_ = step;
  }
  float param(const char* name) const { return params.at(name).item<float>(); }

  std::string path_;
  SourceRange range_;
  kernels::CounterRng rng_;

 private:
  std::vector<std::pair<std::string, at::Tensor*>> states_;
  int64_t* step_ = nullptr;
};

class PoissonLayer : public SpikingLayer {
 public:
  PoissonLayer(const graph::Node& n, const LayerContext& c) : SpikingLayer(n, c) { declare_state({}, &state_.step); }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::poisson_spikes(in[0], rng_, state_)};
  }

 private:
  kernels::PoissonState state_;
};

class IzhikevichLayer : public SpikingLayer {
 public:
  IzhikevichLayer(const graph::Node& n, const LayerContext& c) : SpikingLayer(n, c) {
    if (!arg_bool(n, "output_only_spikes")) {
      throw RuntimeError("Izhikevich(output_only_spikes = false) is not implemented: its output would have 3 "
                         "channels (spikes, v, u), which a primitive's declaration cannot make depend on a flag",
                         n.range);
    }
    declare_state({{"v", &state_.v}, {"u", &state_.u}}, nullptr);
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const kernels::IzhikevichParams p{param("a"), param("b"), param("c"), param("d"), param("threshold")};
    return {kernels::izhikevich_spikes(in[0], p, state_)};
  }

 private:
  kernels::IzhikevichState state_;
};

class LeakyIntegrateAndFireLayer : public SpikingLayer {
 public:
  LeakyIntegrateAndFireLayer(const graph::Node& n, const LayerContext& c) : SpikingLayer(n, c) {
    declare_state({{"V", &state_.V}}, &state_.step);
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const kernels::LifParams p{param("noise_sigma"), param("g_L"), param("tau")};
    return {kernels::lif_spikes(in[0], p, rng_, state_)};
  }

 private:
  kernels::LifState state_;
};

class RefractoryLeakyIntegrateAndFireLayer : public SpikingLayer {
 public:
  RefractoryLeakyIntegrateAndFireLayer(const graph::Node& n, const LayerContext& c) : SpikingLayer(n, c) {
    declare_state({{"V", &state_.V}, {"refr", &state_.refr}}, &state_.step);
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const kernels::LifParams p{param("noise_sigma"), param("g_L"), param("tau")};
    kernels::RefractoryParams r;
    r.refr_mu = param("refr_mu");
    r.refr_sigma = param("refr_sigma");
    return {kernels::refractory_lif_spikes(in[0], p, r, rng_, state_)};
  }

 private:
  kernels::RefractoryLifState state_;
};

class FitzHughNagumoLayer : public SpikingLayer {
 public:
  FitzHughNagumoLayer(const graph::Node& n, const LayerContext& c) : SpikingLayer(n, c) {
    declare_state({{"v", &state_.v}, {"w", &state_.w}}, &state_.step);
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const kernels::FitzHughNagumoParams p{param("a"), param("b"), param("tau"), param("noise_strength")};
    return {kernels::fitzhugh_nagumo(in[0], p, rng_, state_)};
  }

 private:
  kernels::FitzHughNagumoState state_;
};

class HodgkinHuxleyLayer : public SpikingLayer {
 public:
  HodgkinHuxleyLayer(const graph::Node& n, const LayerContext& c) : SpikingLayer(n, c) {
    declare_state({{"v", &state_.v}, {"v_n", &state_.v_n}, {"v_m", &state_.v_m}, {"v_h", &state_.v_h}},
                  &state_.step);
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const kernels::HodgkinHuxleyParams p{param("gK"), param("gNa"), param("gL"), param("Cm"),
                                         param("VK"), param("VNa"), param("Vl"), param("noise_strength")};
    return {kernels::hodgkin_huxley(in[0], p, rng_, state_)};
  }

 private:
  kernels::HodgkinHuxleyState state_;
};

class IntegrativeMotionSensorLayer : public SpikingLayer {
 public:
  IntegrativeMotionSensorLayer(const graph::Node& n, const LayerContext& c)
      : SpikingLayer(n, c), threshold_(arg_number(n, "threshold")) {
    const std::string mode = n.arg("spiking_mode")->text;
    if (mode == "linear") {
      mode_ = kernels::MotionSensorMode::Linear;
    } else if (mode == "log") {
      mode_ = kernels::MotionSensorMode::Log;
      if (!(threshold_ > 1.0)) {
        throw RuntimeError("IntegrativeMotionSensor: the threshold must be larger than 1 in 'log' mode", n.range);
      }
    } else {
      throw RuntimeError("IntegrativeMotionSensor: spiking_mode must be \"linear\" or \"log\", not \"" + mode + "\"",
                         n.range);
    }
    declare_state({{"last_frame", &state_.last_frame}}, nullptr);
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::integrative_motion_sensor(in[0], mode_, threshold_, state_)};
  }

 private:
  double threshold_;
  kernels::MotionSensorMode mode_ = kernels::MotionSensorMode::Linear;
  kernels::MotionSensorState state_;
};

template <class L>
LayerFactory factory() {
  return [](const graph::Node& n, const LayerContext& c) { return std::make_unique<L>(n, c); };
}

const bool registered = [] {
  register_layer("Poisson", factory<PoissonLayer>());
  register_layer("Izhikevich", factory<IzhikevichLayer>());
  register_layer("LeakyIntegrateAndFireNeuron", factory<LeakyIntegrateAndFireLayer>());
  register_layer("RefractoryLeakyIntegrateAndFireNeuron", factory<RefractoryLeakyIntegrateAndFireLayer>());
  register_layer("FitzHughNagumo", factory<FitzHughNagumoLayer>());
  register_layer("HogkinHuxley", factory<HodgkinHuxleyLayer>());
  register_layer("IntegrativeMotionSensor", factory<IntegrativeMotionSensorLayer>());
  return true;
}();

}  // namespace
}  // namespace cvm::interp
