#include "interpreter/kernels/recursive_highpass.h"

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
  T norm;  // 2 tau / dt
  T k;     // weight of the low-pass branch
};

/// The coefficients as convis computes them: tensors dt, tau and k of type T (float32 in runs).
template <typename T>
Coefficients<T> coefficients(double tau_seconds, double k, double steps_per_second) {
  const T dt = static_cast<T>(1.0 / steps_per_second);
  const T tau = static_cast<T>(tau_seconds);
  const T e = std::exp(-(dt / tau));
  return {e, T(1) + e, (T(2) * tau) / dt, static_cast<T>(k)};
}

/// One pixel step: z <- e z + (1 + e) x_prev; returns x - (k z) / norm.
template <typename T>
inline T step(T x, T x_prev, T& z, const Coefficients<T>& c) {
  const T v = x_prev * c.gain + z * c.e;
  z = v;
  return x - (c.k * v) / c.norm;
}

/// One (batch, channel) plane: `frames` (>= 1) frames of `pixels` values. z and x_last hold
/// the state of every pixel and are updated in place. With kSaveZ, z of every frame is
/// also written to z_frames (the backward pass needs it).
template <typename T, bool kSaveZ>
void filter_plane(const T* __restrict x, T* __restrict out, T* __restrict z, T* __restrict x_last,
                  T* __restrict z_frames, int64_t frames, int64_t pixels, Coefficients<T> c) {
  const int64_t blocked = pixels - pixels % kLanes;
  for (int64_t t = 0; t < frames; ++t) {
    const T* xt = x + t * pixels;
    const T* prev = t == 0 ? x_last : xt - pixels;
    T* ot = out + t * pixels;
    for (int64_t p = 0; p < blocked; p += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) ot[p + l] = step(xt[p + l], prev[p + l], z[p + l], c);
    }
    for (int64_t p = blocked; p < pixels; ++p) ot[p] = step(xt[p], prev[p], z[p], c);
    if constexpr (kSaveZ) std::copy(z, z + pixels, z_frames + t * pixels);
  }
  const T* last = x + (frames - 1) * pixels;
  for (int64_t p = 0; p < pixels; ++p) x_last[p] = last[p];
}

/// Runs the filter over every plane of the contiguous `input` (>= 1 frame) from the state
/// (z, x_last), updated in place; with kSaveZ also fills z_frames (input's shape).
template <typename T, bool kSaveZ>
void filter_all(const at::Tensor& input, at::Tensor& out, at::Tensor& z, at::Tensor& x_last, at::Tensor* z_frames,
                Coefficients<T> c) {
  const int64_t planes = input.size(0) * input.size(1), frames = input.size(2);
  const int64_t pixels = input.size(3) * input.size(4);
  for (int64_t plane = 0; plane < planes; ++plane) {
    filter_plane<T, kSaveZ>(input.data_ptr<T>() + plane * frames * pixels,
                            out.data_ptr<T>() + plane * frames * pixels, z.data_ptr<T>() + plane * pixels,
                            x_last.data_ptr<T>() + plane * pixels,
                            kSaveZ ? z_frames->data_ptr<T>() + plane * frames * pixels : nullptr, frames,
                            pixels, c);
  }
}

std::vector<int64_t> state_shape(const at::Tensor& x) { return {x.size(0), x.size(1), 1, x.size(3), x.size(4)}; }

template <typename T>
Coefficients<T> coefficient_values(const at::Tensor& e, const at::Tensor& norm, const at::Tensor& k) {
  const T ev = e.item<T>();
  return {ev, T(1) + ev, norm.item<T>(), k.item<T>()};
}

/// z_t = e z_{t-1} + (1 + e) x_{t-1}, out_t = x_t - k z_t / norm (x_{-1} = initial_x), with
/// the reverse-time adjoint (mu_t = dL/dz_t):
///   mu_t = -k out_grad_t / norm + e mu_{t+1} (+ last_z_grad at t = T-1),
///   x_grad_t = out_grad_t + (1 + e) mu_{t+1} (t < T-1),   x_grad_{T-1} = out_grad_{T-1},
///   initial_x_grad = (1 + e) mu_0,   initial_z_grad = e mu_0,
///   e_grad = sum mu_t (x_{t-1} + z_{t-1}),   k_grad = -sum out_grad_t z_t / norm,
///   norm_grad = k sum out_grad_t z_t / norm^2.
struct HighPassFunction : public torch::autograd::Function<HighPassFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                const at::Tensor& initial_z, const at::Tensor& initial_x,
                                                const at::Tensor& e, const at::Tensor& norm, const at::Tensor& k) {
    const at::Tensor input = x.contiguous();
    at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
    at::Tensor z_frames = at::empty_like(input, at::MemoryFormat::Contiguous);
    at::Tensor z = initial_z.contiguous().clone();
    at::Tensor x_last = initial_x.contiguous().clone();
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "recursive_highpass", [&] {
      filter_all<scalar_t, true>(input, out, z, x_last, &z_frames, coefficient_values<scalar_t>(e, norm, k));
    });
    ctx->save_for_backward({input, initial_z, initial_x, e, norm, k});
    ctx->saved_data["z_frames"] = z_frames;
    return {out, z};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor z0 = saved[1].contiguous(), x0 = saved[2].contiguous();
    const at::Tensor z_frames = ctx->saved_data["z_frames"].toTensor();
    const at::Tensor out_grad = grads[0].defined() ? grads[0].contiguous() : at::zeros_like(x);
    // mu_{t+1}, starting with the gradient of the final state.
    at::Tensor mu_next = grads[1].defined() ? grads[1].contiguous().clone() : at::zeros_like(z0);
    at::Tensor x_grad = at::empty_like(x), initial_x_grad = at::empty_like(x0), initial_z_grad = at::empty_like(z0);
    double e_grad = 0, gz = 0;  // gz = sum out_grad_t z_t
    const int64_t planes = x.size(0) * x.size(1), frames = x.size(2), pixels = x.size(3) * x.size(4);
    double k_value = 0, norm_value = 1;
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "recursive_highpass_backward", [&] {
      const Coefficients<scalar_t> c = coefficient_values<scalar_t>(saved[3], saved[4], saved[5]);
      k_value = static_cast<double>(c.k);
      norm_value = static_cast<double>(c.norm);
      for (int64_t plane = 0; plane < planes; ++plane) {
        const int64_t offset = plane * frames * pixels;
        const scalar_t* xs = x.data_ptr<scalar_t>() + offset;
        const scalar_t* zs = z_frames.data_ptr<scalar_t>() + offset;
        const scalar_t* gs = out_grad.data_ptr<scalar_t>() + offset;
        const scalar_t* z_start = z0.data_ptr<scalar_t>() + plane * pixels;
        const scalar_t* x_start = x0.data_ptr<scalar_t>() + plane * pixels;
        scalar_t* gx = x_grad.data_ptr<scalar_t>() + offset;
        scalar_t* mu = mu_next.data_ptr<scalar_t>() + plane * pixels;
        // x_grad_t gets (1 + e) mu_{t+1} from z_{t+1}; the last frame's has none.
        for (int64_t t = frames - 1; t >= 0; --t) {
          const scalar_t* z_prev = t > 0 ? zs + (t - 1) * pixels : z_start;
          const scalar_t* x_prev = t > 0 ? xs + (t - 1) * pixels : x_start;
          for (int64_t p = 0; p < pixels; ++p) {
            const int64_t i = t * pixels + p;
            gx[i] = gs[i] + (t + 1 < frames ? c.gain * mu[p] : scalar_t(0));
            const scalar_t m = -(c.k * gs[i]) / c.norm + (t + 1 < frames ? c.e * mu[p] : mu[p]);
            e_grad += static_cast<double>(m) * static_cast<double>(x_prev[p] + z_prev[p]);
            gz += static_cast<double>(gs[i]) * static_cast<double>(zs[i]);
            mu[p] = m;
          }
        }
        scalar_t* gx0 = initial_x_grad.data_ptr<scalar_t>() + plane * pixels;
        scalar_t* gz0 = initial_z_grad.data_ptr<scalar_t>() + plane * pixels;
        for (int64_t p = 0; p < pixels; ++p) {
          gx0[p] = c.gain * mu[p];
          gz0[p] = c.e * mu[p];
        }
      }
    });
    const at::TensorOptions scalar = saved[3].options();
    return {x_grad,
            initial_z_grad,
            initial_x_grad,
            at::scalar_tensor(e_grad, scalar).reshape(saved[3].sizes()),
            at::scalar_tensor(k_value * gz / (norm_value * norm_value), scalar).reshape(saved[4].sizes()),
            at::scalar_tensor(-gz / norm_value, scalar).reshape(saved[5].sizes())};
  }
};

}  // namespace

at::Tensor recursive_highpass(const at::Tensor& x, double tau_seconds, double k, double steps_per_second,
                              HighPassState& state) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat)
    throw std::invalid_argument("recursive_highpass: expected a float32 [B, C, T, X, Y] tensor");
  if (!(tau_seconds > 0) || !(steps_per_second > 0))
    throw std::invalid_argument("recursive_highpass: tau and steps_per_second must be > 0");
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  if (x.size(2) == 0) return out;
  // Work on private copies of the state so an exception leaves `state` untouched.
  at::Tensor z, x_last;
  if (!state.last_z.defined()) {
    z = at::zeros(state_shape(x), x.options());
    x_last = input.narrow(2, 0, 1).clone();
  } else if (state.last_z.sizes() != state_shape(x) || state.last_x.sizes() != state_shape(x)) {
    throw std::invalid_argument("recursive_highpass: the input's shape changed between calls");
  } else {
    z = state.last_z.contiguous().clone();
    x_last = state.last_x.contiguous().clone();
  }
  filter_all<float, false>(input, out, z, x_last, nullptr, coefficients<float>(tau_seconds, k, steps_per_second));
  state.last_z = z;
  state.last_x = x_last;
  return out;
}

HighPassCoefficients highpass_coefficients(const at::Tensor& tau, const at::Tensor& k, double steps_per_second,
                                           at::ScalarType dtype) {
  if (tau.numel() != 1 || k.numel() != 1)
    throw std::invalid_argument("highpass_coefficients: tau and k must have one element each");
  const double tau_seconds = tau.item<double>();
  if (!(tau_seconds > 0) || !(steps_per_second > 0))
    throw std::invalid_argument("recursive_highpass: tau and steps_per_second must be > 0");
  HighPassCoefficients c;
  AT_DISPATCH_FLOATING_TYPES(dtype, "highpass_coefficients", [&] {
    const Coefficients<scalar_t> v = coefficients<scalar_t>(tau_seconds, k.item<double>(), steps_per_second);
    c.e = scalar_coefficient(static_cast<double>(v.e), dtype);
    c.norm = scalar_coefficient(static_cast<double>(v.norm), dtype);
    c.k = scalar_coefficient(static_cast<double>(v.k), dtype);
  });
  if (needs_grad({tau})) {
    const double dt = 1.0 / steps_per_second;
    const at::Tensor t = tau.reshape({}).to(dtype);
    c.e = with_gradient_of(c.e, at::exp(-(dt / t)));
    c.norm = with_gradient_of(c.norm, (2.0 * t) / dt);
  }
  c.k = with_gradient_of(c.k, k.reshape({}).to(dtype));
  return c;
}

HighPassOutput recursive_highpass(const at::Tensor& x, const at::Tensor& initial_z, const at::Tensor& initial_x,
                                  const HighPassCoefficients& c) {
  if (x.dim() != 5 || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble))
    throw std::invalid_argument("recursive_highpass: expected a float32 or float64 [B, C, T, X, Y] tensor");
  for (const at::Tensor* coefficient : {&c.e, &c.norm, &c.k})
    if (coefficient->scalar_type() != x.scalar_type())
      throw std::invalid_argument("recursive_highpass: the coefficients' dtype differs from the input's");
  if (initial_z.defined() != initial_x.defined())
    throw std::invalid_argument("recursive_highpass: give both parts of the state or neither");
  for (const at::Tensor* s : {&initial_z, &initial_x})
    if (s->defined() && (s->sizes() != state_shape(x) || s->scalar_type() != x.scalar_type()))
      throw std::invalid_argument("recursive_highpass: the state does not fit the input (shape or dtype)");
  if (x.size(2) == 0) return {at::empty_like(x, at::MemoryFormat::Contiguous), initial_z, initial_x};
  // At the start of a run z = 0 and x_{-1} := x_0 (a view, so x_0's gradient includes it).
  const at::Tensor z0 = initial_z.defined() ? initial_z : at::zeros(state_shape(x), x.options().requires_grad(false));
  const at::Tensor x0 = initial_x.defined() ? initial_x : x.narrow(2, 0, 1);
  const at::Tensor last_x = x.narrow(2, x.size(2) - 1, 1).clone();
  if (needs_grad({x, z0, x0, c.e, c.norm, c.k})) {
    const auto outs = HighPassFunction::apply(x, z0, x0, c.e, c.norm, c.k);
    return {outs[0], outs[1], last_x};
  }
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor z = z0.contiguous().clone();
  at::Tensor x_last = x0.contiguous().clone();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "recursive_highpass", [&] {
    filter_all<scalar_t, false>(input, out, z, x_last, nullptr, coefficient_values<scalar_t>(c.e, c.norm, c.k));
  });
  return {out, z, last_x};
}

}  // namespace cvm::kernels
