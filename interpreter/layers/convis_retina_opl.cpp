// std.convis's OPL filters (stdlib/convis/retina_opl.cvm) bound to their kernels:
// HalfRecursiveOPLFilter and RecursiveOPLFilter run the fused OPL (kernels/retina_opl.h),
// SeperatableOPLFilter a cascade of causal convolutions (kernels/causal_conv3d.h) with
// convis's whole-run prefix. Each keeps its state between chunks.
//
// Gradients: when autograd records and the input or a parameter requires a gradient, the
// HalfRecursive and Recursive filters compose differentiable pieces instead of the fused
// loop: the blur as a torch::autograd::Function over replicate_blur and its adjoint, the
// Deriche filter, and the recursive low-pass and high-pass Functions. The pieces compute
// the same float32 operations in the same order, so the two paths give the same numbers.
#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <functional>
#include <map>
#include <string>
#include <type_traits>

#include "interpreter/kernels/autograd_support.h"
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/recursive_highpass.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/kernels/replicate_blur.h"
#include "interpreter/kernels/retina_opl.h"
#include "interpreter/kernels/spatial_recursive.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

using kernels::needs_grad;

/// Clones a state tensor that may be undefined.
at::Tensor copy(const at::Tensor& t) { return t.defined() ? t.clone() : at::Tensor(); }

/// A [.., kx, ky] weight as a blur kernel (float32: the separable path when it has rank 1;
/// float64, for gradient checks: always direct, so that perturbing one weight cannot switch
/// paths).
template <typename T>
kernels::BlurKernel<T> blur_kernel_of(const at::Tensor& weight) {
  const at::Tensor w = weight.detach().to(c10::CppTypeToScalarType<T>::value).contiguous();
  const int kx = static_cast<int>(w.size(-2)), ky = static_cast<int>(w.size(-1));
  if constexpr (std::is_same_v<T, float>) return kernels::BlurKernel<T>::from(w.data_ptr<T>(), kx, ky);
  return kernels::BlurKernel<T>::direct(w.data_ptr<T>(), kx, ky);
}

/// The replicate-padded blur of every frame of x [B, C, T, X, Y] by weight [.., kx, ky], as a
/// differentiable function of both.
class BlurFunction : public torch::autograd::Function<BlurFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight) {
    const at::Tensor input = x.contiguous();
    at::Tensor out = at::empty_like(input);
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "opl_blur", [&] {
      kernels::replicate_blur(blur_kernel_of<scalar_t>(weight), input.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(),
                              input.size(0) * input.size(1) * input.size(2), input.size(3), input.size(4));
    });
    ctx->save_for_backward({input, weight});
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& input = saved[0];
    const at::Tensor& weight = saved[1];
    const at::Tensor g = grads[0].contiguous();
    at::Tensor grad_in = at::zeros_like(input);
    at::Tensor grad_w = at::zeros({weight.size(-2), weight.size(-1)}, input.options());
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "opl_blur_backward", [&] {
      kernels::replicate_blur_adjoint(blur_kernel_of<scalar_t>(weight), g.data_ptr<scalar_t>(),
                                      grad_in.data_ptr<scalar_t>(), grad_w.data_ptr<scalar_t>(),
                                      input.data_ptr<scalar_t>(), input.size(0) * input.size(1) * input.size(2),
                                      input.size(3), input.size(4));
    });
    return {grad_in, grad_w.reshape(weight.sizes()).to(weight.scalar_type())};
  }
};

/// The centre and surround spatial stages of the differentiable path (tensor to tensor).
using SpatialOp = std::function<at::Tensor(const at::Tensor&)>;

/// The OPL's recursive filters as tensors of the signal's dtype.
struct TemporalCoefficients {
  kernels::LowPassCoefficients center;
  kernels::HighPassCoefficients undershoot;
  kernels::LowPassCoefficients surround;
};

TemporalCoefficients temporal_coefficients(const std::map<std::string, at::Tensor>& p, double sps,
                                           at::ScalarType dtype) {
  return {kernels::lowpass_coefficients(p.at("center_E_tau"), sps, dtype),
          kernels::highpass_coefficients(p.at("center_undershoot_tau"), p.at("center_undershoot_k"), sps, dtype),
          kernels::lowpass_coefficients(p.at("surround_E_tau"), sps, dtype)};
}

kernels::OplTemporal fused_coefficients(const TemporalCoefficients& c, const at::Tensor& relative_weight) {
  return {c.center.e.item<float>(),     c.center.norm.item<float>(),   c.undershoot.e.item<float>(),
          c.undershoot.norm.item<float>(), c.undershoot.k.item<float>(), c.surround.e.item<float>(),
          c.surround.norm.item<float>(),   relative_weight.item<float>()};
}

/// What the HalfRecursive and Recursive filters share: ports, state, the fused and the
/// differentiable paths. Subclasses give the spatial stages.
class RecursiveOplBase : public Layer {
 public:
  explicit RecursiveOplBase(const LayerContext& ctx) : sps_(ctx.resolution.steps_per_second) {}

  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const at::Tensor& x = in[0];
    // float64 (gradient checks) always takes the composed path, in float64.
    if (x.scalar_type() != at::kFloat || differentiable(x)) return differentiable_forward(x);
    const TemporalCoefficients c = temporal_coefficients(params, sps_, at::kFloat);
    kernels::OplOutputs out = kernels::opl_filter(x, fused_center(), fused_surround(),
                                                  fused_coefficients(c, params.at("relative_weight")), state_,
                                                  keep_center_, keep_surround_);
    return {out.y, out.center_signal, out.surround_signal};
  }
  void set_needed_outputs(const std::vector<bool>& needed) override {
    keep_center_ = needed.size() > 1 && needed[1];
    keep_surround_ = needed.size() > 2 && needed[2];
  }
  void reset_state() override { state_ = {}; }
  std::vector<at::Tensor> save_state() const override {
    return {copy(state_.center_y), copy(state_.undershoot_z), copy(state_.last_center), copy(state_.surround_s)};
  }
  void restore_state(const std::vector<at::Tensor>& s) override {
    state_ = {s.at(0), s.at(1), s.at(2), s.at(3)};
  }

 protected:
  virtual kernels::OplSpatialStage fused_center() const = 0;
  virtual kernels::OplSpatialStage fused_surround() const = 0;
  virtual SpatialOp differentiable_center() const = 0;
  virtual SpatialOp differentiable_surround() const = 0;

 private:
  bool differentiable(const at::Tensor& x) const {
    if (needs_grad({x})) return true;
    for (const auto& [name, value] : params)
      if (needs_grad({value})) return true;
    return false;
  }

  /// The same computation from differentiable pieces, in x's dtype (float32 or float64).
  std::vector<at::Tensor> differentiable_forward(const at::Tensor& x) {
    const TemporalCoefficients c = temporal_coefficients(params, sps_, x.scalar_type());
    const auto dtype = [&](const at::Tensor& t) { return t.defined() ? t.to(x.scalar_type()) : t; };
    const at::Tensor a = differentiable_center()(x);
    const kernels::LowPassOutput c1 = kernels::recursive_lowpass(a, dtype(state_.center_y), c.center);
    const kernels::HighPassOutput center =
        kernels::recursive_highpass(c1.out, dtype(state_.undershoot_z), dtype(state_.last_center), c.undershoot);
    const at::Tensor b = differentiable_surround()(center.out);
    const kernels::LowPassOutput surround = kernels::recursive_lowpass(b, dtype(state_.surround_s), c.surround);
    const at::Tensor y = center.out - params.at("relative_weight").to(x.scalar_type()) * surround.out;
    if (x.size(2) > 0) state_ = {c1.last_y, center.last_z, center.last_x, surround.last_y};
    return {y, keep_center_ ? center.out : at::Tensor(), keep_surround_ ? surround.out : at::Tensor()};
  }

  double sps_;
  bool keep_center_ = true;
  bool keep_surround_ = true;
  kernels::OplState state_;
};

/// HalfRecursiveOPLFilter: gaussian convolutions with replicate padding, recursive filters
/// in time. With enabled = false the input passes through (centre = input, surround = 0).
class HalfRecursiveOplLayer : public RecursiveOplBase {
 public:
  HalfRecursiveOplLayer(const graph::Node& node, const LayerContext& ctx)
      : RecursiveOplBase(ctx), enabled_(arg_bool(node, "enabled")) {}

  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (!enabled_) return {in[0], in[0], at::zeros_like(in[0])};
    return RecursiveOplBase::forward(in);
  }

 protected:
  kernels::OplSpatialStage fused_center() const override {
    return kernels::blur_stage(blur_kernel_of<float>(params.at("center_G_weight")),
                               params.at("center_G_bias").item<float>(), params.at("lambda_opl").item<float>());
  }
  kernels::OplSpatialStage fused_surround() const override {
    return kernels::blur_stage(blur_kernel_of<float>(params.at("surround_G_weight")),
                               params.at("surround_G_bias").item<float>());
  }
  SpatialOp differentiable_center() const override {
    return [this](const at::Tensor& x) {
      const auto dtype = x.scalar_type();
      return (BlurFunction::apply(x, params.at("center_G_weight").to(dtype)) +
              params.at("center_G_bias").to(dtype).reshape({})) *
             params.at("lambda_opl").to(dtype).reshape({});
    };
  }
  SpatialOp differentiable_surround() const override {
    return [this](const at::Tensor& c) {
      const auto dtype = c.scalar_type();
      return BlurFunction::apply(c, params.at("surround_G_weight").to(dtype)) +
             params.at("surround_G_bias").to(dtype).reshape({});
    };
  }

 private:
  bool enabled_;
};

/// RecursiveOPLFilter: Deriche's recursive gaussians (convis's boundary quirk included).
class RecursiveOplLayer : public RecursiveOplBase {
 public:
  using RecursiveOplBase::RecursiveOplBase;

 protected:
  kernels::OplSpatialStage fused_center() const override {
    return kernels::deriche_stage(params.at("center_G_density").item<double>(), params.at("lambda_opl").item<float>());
  }
  kernels::OplSpatialStage fused_surround() const override {
    return kernels::deriche_stage(params.at("surround_G_density").item<double>());
  }
  SpatialOp differentiable_center() const override {
    return [this](const at::Tensor& x) {
      const at::Tensor coefficients = kernels::deriche_coefficient_tensor(params.at("center_G_density"));
      return kernels::spatial_recursive_gaussian(x, coefficients) *
             params.at("lambda_opl").to(x.scalar_type()).reshape({});
    };
  }
  SpatialOp differentiable_surround() const override {
    return [this](const at::Tensor& c) {
      return kernels::spatial_recursive_gaussian(c, kernels::deriche_coefficient_tensor(params.at("surround_G_density")));
    };
  }
};

/// SeperatableOPLFilter: every filter a convolution (centre gaussian, centre exponential,
/// undershoot high-pass kernel, surround gaussian, surround exponential). convis runs the
/// cascade over prefix ++ x, where the prefix is (undershoot length - 1) frames: zeros, then
/// the first min(T, that many) input frames (it looks ahead into the input), and the
/// undershoot convolution drops as many frames. Here the prefix is built from the first
/// chunk, so chunked runs equal the whole run when the first chunk holds at least
/// min(T, undershoot length - 1) frames.
class SeperatableOplLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    at::Tensor x = in[0].to(at::kFloat);
    if (!started_) {
      if (x.size(2) == 0) return {x, x, x};
      const int64_t prefix = params.at("center_undershoot_weight").size(2) - 1;
      const int64_t copied = std::min(prefix, x.size(2));
      std::vector<int64_t> shape = x.sizes().vec();
      shape[2] = prefix - copied;
      x = at::cat({at::zeros(shape, x.options()), x.narrow(2, 0, copied), x}, 2);
      started_ = true;
    }
    const auto conv = [&](const at::Tensor& s, const std::string& name, kernels::TimeHistory& history, bool time_pad) {
      return kernels::causal_conv3d(s, params.at(name + "_weight"), params.at(name + "_bias").reshape({1}), history,
                                    {time_pad, true});
    };
    const at::Tensor g = conv(x, "center_G", history_[0], true);
    const at::Tensor e = conv(g, "center_E", history_[1], true);
    const at::Tensor center = conv(e, "center_undershoot", history_[2], false);
    const at::Tensor s = conv(center, "surround_G", history_[3], true);
    const at::Tensor surround = conv(s, "surround_E", history_[4], true);
    return {center - params.at("relative_weight").reshape({}) * surround, center, surround};
  }
  void reset_state() override {
    for (auto& h : history_) h = {};
    started_ = false;
  }
  std::vector<at::Tensor> save_state() const override {
    std::vector<at::Tensor> s;
    for (const auto& h : history_) s.push_back(copy(h.frames));
    s.push_back(at::scalar_tensor(started_, at::kBool));
    return s;
  }
  void restore_state(const std::vector<at::Tensor>& s) override {
    for (size_t i = 0; i < history_.size(); ++i) history_[i].frames = s.at(i);
    started_ = s.at(history_.size()).item<bool>();
  }

 private:
  std::array<kernels::TimeHistory, 5> history_;
  bool started_ = false;  // the run's prefix has been built
};

const bool registered = [] {
  register_layer("HalfRecursiveOPLFilter", [](const graph::Node& n, const LayerContext& ctx) {
    return std::make_unique<HalfRecursiveOplLayer>(n, ctx);
  });
  register_layer("RecursiveOPLFilter", [](const graph::Node&, const LayerContext& ctx) {
    return std::make_unique<RecursiveOplLayer>(ctx);
  });
  register_layer("SeperatableOPLFilter",
                 [](const graph::Node&, const LayerContext&) { return std::make_unique<SeperatableOplLayer>(); });
  return true;
}();

}  // namespace
}  // namespace cvm::interp
