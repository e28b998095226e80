#include "interpreter/kernels/recursive_lowpass.h"

#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "interpreter/kernels/autograd_support.h"

namespace cvm::kernels {

namespace {

/// Pixels updated together; a fixed trip count lets g++ -O2 vectorise the inner loop.
constexpr int64_t kLanes = 16;

template <typename T>
struct Coefficients {
  T e;     // exp(-dt / tau)
  T gain;  // 1 + e
  T norm;  // 2 tau / dt; the output is y / norm
};

/// The coefficients as convis computes them: tensors dt and tau of type T (float32 in runs).
template <typename T>
Coefficients<T> coefficients(double tau_seconds, double steps_per_second) {
  const T dt = static_cast<T>(1.0 / steps_per_second);
  const T tau = static_cast<T>(tau_seconds);
  const T e = std::exp(-(dt / tau));
  return {e, T(1) + e, (T(2) * tau) / dt};
}

/// One (batch, channel) plane: `frames` frames of `pixels` values; y holds the running
/// state of every pixel and is updated in place. With kSaveY, y of every frame is also
/// written to y_frames (the backward pass needs it).
template <typename T, bool kSaveY>
void filter_plane(const T* __restrict x, T* __restrict out, T* __restrict y, T* __restrict y_frames,
                  int64_t frames, int64_t pixels, Coefficients<T> c) {
  const int64_t blocked = pixels - pixels % kLanes;
  for (int64_t t = 0; t < frames; ++t) {
    const T* xt = x + t * pixels;
    T* ot = out + t * pixels;
    for (int64_t p = 0; p < blocked; p += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) {
        const T v = xt[p + l] * c.gain + y[p + l] * c.e;
        y[p + l] = v;
        ot[p + l] = v / c.norm;
      }
    }
    for (int64_t p = blocked; p < pixels; ++p) {
      const T v = xt[p] * c.gain + y[p] * c.e;
      y[p] = v;
      ot[p] = v / c.norm;
    }
    if constexpr (kSaveY) std::copy(y, y + pixels, y_frames + t * pixels);
  }
}

/// Runs the filter over every plane of the contiguous `input` from the state `y` (updated
/// in place); with kSaveY also fills y_frames (input's shape).
template <typename T, bool kSaveY>
void filter_all(const at::Tensor& input, at::Tensor& out, at::Tensor& y, at::Tensor* y_frames,
                Coefficients<T> c) {
  const int64_t planes = input.size(0) * input.size(1), frames = input.size(2);
  const int64_t pixels = input.size(3) * input.size(4);
  for (int64_t plane = 0; plane < planes; ++plane) {
    filter_plane<T, kSaveY>(input.data_ptr<T>() + plane * frames * pixels,
                            out.data_ptr<T>() + plane * frames * pixels, y.data_ptr<T>() + plane * pixels,
                            kSaveY ? y_frames->data_ptr<T>() + plane * frames * pixels : nullptr, frames,
                            pixels, c);
  }
}

std::vector<int64_t> state_shape(const at::Tensor& x) { return {x.size(0), x.size(1), 1, x.size(3), x.size(4)}; }

void check_signal(const at::Tensor& x) {
  if (x.dim() != 5 || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble))
    throw std::invalid_argument("recursive_lowpass: expected a float32 or float64 [B, C, T, X, Y] tensor");
}

/// The state to start from: initial_y, or zeros at the start of a run.
at::Tensor initial_state(const at::Tensor& x, const at::Tensor& initial_y) {
  if (!initial_y.defined()) return at::zeros(state_shape(x), x.options().requires_grad(false));
  if (initial_y.sizes() != state_shape(x) || initial_y.scalar_type() != x.scalar_type())
    throw std::invalid_argument("recursive_lowpass: the state does not fit the input (shape or dtype)");
  return initial_y;
}

template <typename T>
Coefficients<T> coefficient_values(const LowPassCoefficients& c) {
  const T e = c.e.item<T>();
  return {e, T(1) + e, c.norm.item<T>()};
}

/// y_t = e y_{t-1} + (1 + e) x_t, out_t = y_t / norm, with the reverse-time adjoint
/// (lambda_t = dL/dy_t):
///   lambda_t = out_grad_t / norm + e lambda_{t+1} (+ last_y_grad at t = T-1),
///   x_grad_t = (1 + e) lambda_t,   initial_y_grad = e lambda_0,
///   e_grad = sum lambda_t (x_t + y_{t-1}),   norm_grad = -sum out_grad_t y_t / norm^2.
struct LowPassFunction : public torch::autograd::Function<LowPassFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                const at::Tensor& initial_y, const at::Tensor& e,
                                                const at::Tensor& norm) {
    const at::Tensor input = x.contiguous();
    at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
    at::Tensor y_frames = at::empty_like(input, at::MemoryFormat::Contiguous);
    at::Tensor y = initial_y.contiguous().clone();
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "recursive_lowpass", [&] {
      filter_all<scalar_t, true>(input, out, y, &y_frames, coefficient_values<scalar_t>({e, norm}));
    });
    ctx->save_for_backward({input, initial_y, e, norm});
    ctx->saved_data["y_frames"] = y_frames;
    return {out, y};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor y0 = saved[1].contiguous();
    const at::Tensor y_frames = ctx->saved_data["y_frames"].toTensor();
    const at::Tensor out_grad = grads[0].defined() ? grads[0].contiguous() : at::zeros_like(x);
    at::Tensor carry = grads[1].defined() ? grads[1].contiguous().clone() : at::zeros_like(y0);
    at::Tensor x_grad = at::empty_like(x);
    double e_grad = 0, norm_grad = 0;
    const int64_t planes = x.size(0) * x.size(1), frames = x.size(2), pixels = x.size(3) * x.size(4);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "recursive_lowpass_backward", [&] {
      const Coefficients<scalar_t> c = coefficient_values<scalar_t>({saved[2], saved[3]});
      for (int64_t plane = 0; plane < planes; ++plane) {
        const scalar_t* xs = x.data_ptr<scalar_t>() + plane * frames * pixels;
        const scalar_t* ys = y_frames.data_ptr<scalar_t>() + plane * frames * pixels;
        const scalar_t* gs = out_grad.data_ptr<scalar_t>() + plane * frames * pixels;
        const scalar_t* y_start = y0.data_ptr<scalar_t>() + plane * pixels;
        scalar_t* gx = x_grad.data_ptr<scalar_t>() + plane * frames * pixels;
        scalar_t* lambda_next = carry.data_ptr<scalar_t>() + plane * pixels;  // e lambda_{t+1}
        for (int64_t t = frames - 1; t >= 0; --t) {
          const scalar_t* y_prev = t > 0 ? ys + (t - 1) * pixels : y_start;
          for (int64_t p = 0; p < pixels; ++p) {
            const int64_t i = t * pixels + p;
            const scalar_t lambda = gs[i] / c.norm + lambda_next[p];
            gx[i] = c.gain * lambda;
            e_grad += static_cast<double>(lambda) * static_cast<double>(xs[i] + y_prev[p]);
            norm_grad -= static_cast<double>(gs[i]) * static_cast<double>(ys[i]);
            lambda_next[p] = c.e * lambda;
          }
        }
      }
      norm_grad /= static_cast<double>(c.norm) * static_cast<double>(c.norm);
    });
    const at::TensorOptions scalar = saved[2].options();
    return {x_grad, carry, at::scalar_tensor(e_grad, scalar).reshape(saved[2].sizes()),
            at::scalar_tensor(norm_grad, scalar).reshape(saved[3].sizes())};
  }
};

}  // namespace

at::Tensor recursive_lowpass(const at::Tensor& x, double tau_seconds, double steps_per_second,
                             LowPassState& state) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat)
    throw std::invalid_argument("recursive_lowpass: expected a float32 [B, C, T, X, Y] tensor");
  if (!(tau_seconds > 0) || !(steps_per_second > 0))
    throw std::invalid_argument("recursive_lowpass: tau and steps_per_second must be > 0");
  if (!state.last_y.defined()) {
    state.last_y = at::zeros(state_shape(x), x.options());
  } else if (state.last_y.sizes() != state_shape(x)) {
    throw std::invalid_argument("recursive_lowpass: the input's shape changed between calls");
  }
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  // Work on a private copy of the state so an exception leaves `state` untouched.
  at::Tensor y = state.last_y.contiguous().clone();
  filter_all<float, false>(input, out, y, nullptr, coefficients<float>(tau_seconds, steps_per_second));
  state.last_y = y;
  return out;
}

LowPassCoefficients lowpass_coefficients(const at::Tensor& tau, double steps_per_second, at::ScalarType dtype) {
  if (tau.numel() != 1) throw std::invalid_argument("lowpass_coefficients: tau must have one element");
  const double tau_seconds = tau.item<double>();
  if (!(tau_seconds > 0) || !(steps_per_second > 0))
    throw std::invalid_argument("recursive_lowpass: tau and steps_per_second must be > 0");
  LowPassCoefficients c;
  AT_DISPATCH_FLOATING_TYPES(dtype, "lowpass_coefficients", [&] {
    const Coefficients<scalar_t> v = coefficients<scalar_t>(tau_seconds, steps_per_second);
    c.e = scalar_coefficient(static_cast<double>(v.e), dtype);
    c.norm = scalar_coefficient(static_cast<double>(v.norm), dtype);
  });
  if (needs_grad({tau})) {
    const double dt = 1.0 / steps_per_second;
    const at::Tensor t = tau.reshape({}).to(dtype);
    c.e = with_gradient_of(c.e, at::exp(-(dt / t)));
    c.norm = with_gradient_of(c.norm, (2.0 * t) / dt);
  }
  return c;
}

LowPassOutput recursive_lowpass(const at::Tensor& x, const at::Tensor& initial_y, const LowPassCoefficients& c) {
  check_signal(x);
  if (c.e.scalar_type() != x.scalar_type() || c.norm.scalar_type() != x.scalar_type())
    throw std::invalid_argument("recursive_lowpass: the coefficients' dtype differs from the input's");
  const at::Tensor y0 = initial_state(x, initial_y);
  if (x.size(2) == 0) return {at::empty_like(x, at::MemoryFormat::Contiguous), y0};
  if (needs_grad({x, y0, c.e, c.norm})) {
    const auto outs = LowPassFunction::apply(x, y0, c.e, c.norm);
    return {outs[0], outs[1]};
  }
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor y = y0.contiguous().clone();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "recursive_lowpass", [&] {
    filter_all<scalar_t, false>(input, out, y, nullptr, coefficient_values<scalar_t>(c));
  });
  return {out, y};
}

}  // namespace cvm::kernels
