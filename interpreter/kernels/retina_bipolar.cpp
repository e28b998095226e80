#include "interpreter/kernels/retina_bipolar.h"

#include <ATen/Parallel.h>

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "interpreter/kernels/autograd_support.h"
#include "interpreter/kernels/replicate_blur.h"
#include "interpreter/kernels/vec_math.h"

namespace cvm::kernels {

namespace {

/// convis's time step of the recursion (seconds), the same at every resolution.
constexpr double kStepSeconds = 0.001;
/// convis's tau at construction (seconds): a1 and b0 are computed from it, once.
constexpr double kInitialTau = 5.0;

template <typename T>
struct Coefficients {
  T lambda_amp, g_leak, input_amp, bias;
  T neg_dt;  // -dt
  T a1;      // -exp(-dt / 5)
  T b0;      // 1 - a1
};

/// The coefficients in T, in convis's order (float32 tensors 0.001 and 5.0 in a run).
template <typename T>
Coefficients<T> coefficients(const BipolarParams& p) {
  const T dt = static_cast<T>(kStepSeconds);
  const T a1 = -std::exp(-dt / static_cast<T>(kInitialTau));
  return {p.lambda_amp.item<T>(), p.g_leak.item<T>(), p.input_amp.item<T>(), p.bias.item<T>(), -dt, a1, T(1) - a1};
}

inline float exp_of(float x) { return exp_float(x); }
inline Float4 exp_of(Float4 x) { return exp_float(x); }
inline double exp_of(double x) { return std::exp(x); }

/// One step of one pixel (L = T) or four (L = Float4): the new V, and the drive
/// J = lambda_amp V^2 b0 - H a1 of the inhibition, from the previous V and H.
template <typename L, typename T>
inline void pixel_step(L x, L v, L h, const Coefficients<T>& c, L& v_new, L& drive) {
  const L g = c.g_leak + h;
  const L a = exp_of(c.neg_dt * g);
  const L e = (c.input_amp * x) / g;
  v_new = (v - e) * a + e;
  drive = (c.lambda_amp * (v * v)) * c.b0 - h * c.a1;
}

/// pixel_step over a frame: out = the new V, drive = J.
template <typename T>
void step_pixels(const T* __restrict x, const T* __restrict v, const T* __restrict h, T* __restrict out,
                 T* __restrict drive, int64_t pixels, const Coefficients<T>& c) {
  int64_t p = 0;
  if constexpr (std::is_same_v<T, float>) {
    for (; p + 4 <= pixels; p += 4) {
      Float4 v_new, j;
      pixel_step(load4(x + p), load4(v + p), load4(h + p), c, v_new, j);
      store4(out + p, v_new);
      store4(drive + p, j);
    }
  }
  for (; p < pixels; ++p) pixel_step(x[p], v[p], h[p], c, out[p], drive[p]);
}

/// The mean of a frame, summed in double (exact for a frame of equal floats, which the
/// shortcut relies on), rounded to T.
template <typename T>
T frame_mean(const T* values, int64_t n) {
  double s[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int l = 0; l < 4; ++l) s[l] += static_cast<double>(values[i + l]);
  for (; i < n; ++i) s[0] += static_cast<double>(values[i]);
  return static_cast<T>(((s[0] + s[1]) + (s[2] + s[3])) / static_cast<double>(n));
}

/// The sum of a frame, in double.
template <typename T>
double frame_sum(const T* values, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(values[i]);
  return s;
}

/// values[p] -= m.
template <typename T>
void subtract(T* __restrict values, T m, int64_t n) {
  int64_t p = 0;
  if constexpr (std::is_same_v<T, float>)
    for (; p + 4 <= n; p += 4) store4(values + p, load4(values + p) - m);
  for (; p < n; ++p) values[p] = values[p] - m;
}

/// H[p] = (blurred[p] + bias) + m: convis's conv2d output (with its bias) plus the mean.
template <typename T>
void add_bias_and_mean(const T* __restrict blurred, T* __restrict H, T bias, T m, int64_t n) {
  int64_t p = 0;
  if constexpr (std::is_same_v<T, float>)
    for (; p + 4 <= n; p += 4) store4(H + p, (load4(blurred + p) + bias) + m);
  for (; p < n; ++p) H[p] = (blurred[p] + bias) + m;
}

/// One plane's frames and state: contiguous [frames, X, Y] blocks and [X, Y] states.
template <typename T>
struct Plane {
  const T* x;
  T* out;
  T* V;           // V before the first frame; the last frame's V on return
  T* H;           // inhibition, likewise
  T* H_frames;    // when not null, the inhibition after every frame (for the backward)
  int64_t frames, X, Y;
  int64_t pixels() const { return X * Y; }
};

/// The general loop: the inhibition blurred every frame.
template <typename T>
void run_general(const Plane<T>& plane, const Coefficients<T>& c, const BlurKernel<T>& kernel) {
  const int64_t P = plane.pixels();
  std::vector<T> drive(static_cast<size_t>(P)), blurred(static_cast<size_t>(P));
  for (int64_t t = 0; t < plane.frames; ++t) {
    T* out = plane.out + t * P;
    const T* v_prev = t > 0 ? out - P : plane.V;
    step_pixels(plane.x + t * P, v_prev, plane.H, out, drive.data(), P, c);
    const T m = frame_mean(drive.data(), P);
    subtract(drive.data(), m, P);
    replicate_blur(kernel, drive.data(), blurred.data(), 1, plane.X, plane.Y);
    add_bias_and_mean(blurred.data(), plane.H, c.bias, m, P);
    if (plane.H_frames) std::copy(plane.H, plane.H + P, plane.H_frames + t * P);
  }
  if (plane.frames > 0) std::copy(plane.out + (plane.frames - 1) * P, plane.out + plane.frames * P, plane.V);
}

/// Pixel-frames below which the shortcut's frames stay on one thread.
constexpr int64_t kParallelGrain = 1 << 14;

/// The shortcut (lambda_amp == 0, uniform inhibition h): the same numbers as run_general.
/// The inhibition is one number per frame, so the frames' conductances come first and the
/// pixels, each a recursion of its own, are then split over threads.
template <typename T>
void run_uniform(const Plane<T>& plane, const Coefficients<T>& c) {
  const int64_t P = plane.pixels(), frames = plane.frames;
  std::vector<T> g(static_cast<size_t>(frames)), a(static_cast<size_t>(frames));
  T h = plane.H[0];
  for (int64_t t = 0; t < frames; ++t) {
    g[t] = c.g_leak + h;
    a[t] = exp_of(c.neg_dt * g[t]);
    // J = (lambda_amp V^2) b0 - h a1 = 0 - h a1 everywhere; its mean is itself, so
    // K (*) (J - m) = 0 and the new inhibition is (0 + bias) + J.
    const T drive = T(0) - h * c.a1;
    h = (T(0) + c.bias) + drive;
  }
  const int64_t grain = std::max<int64_t>(16, kParallelGrain / std::max<int64_t>(frames, 1));
  at::parallel_for(0, P, grain, [&](int64_t first, int64_t last) {
    for (int64_t t = 0; t < frames; ++t) {
      const T* __restrict x = plane.x + t * P;
      T* __restrict out = plane.out + t * P;
      const T* __restrict v = t > 0 ? out - P : plane.V;
      const T gt = g[t], decay = a[t];
      int64_t p = first;
      if constexpr (std::is_same_v<T, float>) {
        for (; p + 4 <= last; p += 4) {
          const Float4 e = (c.input_amp * load4(x + p)) / gt;
          store4(out + p, (load4(v + p) - e) * decay + e);
        }
      }
      for (; p < last; ++p) {
        const T e = (c.input_amp * x[p]) / gt;
        out[p] = (v[p] - e) * decay + e;
      }
    }
  });
  if (frames > 0) std::copy(plane.out + (frames - 1) * P, plane.out + frames * P, plane.V);
  std::fill(plane.H, plane.H + P, h);
}

/// True when every value equals the first, which is not NaN.
template <typename T>
bool uniform(const T* values, int64_t n) {
  for (int64_t i = 1; i < n; ++i)
    if (!(values[i] == values[0])) return false;
  return n > 0 && values[0] == values[0];
}

/// The kernel of the conv2d weight: its last two dimensions.
template <typename T>
BlurKernel<T> blur_kernel(const at::Tensor& weight) {
  const at::Tensor w = weight.contiguous();
  return BlurKernel<T>::from(w.data_ptr<T>(), static_cast<int>(w.size(-2)), static_cast<int>(w.size(-1)));
}

/// Runs every plane of the contiguous tensors; V and H hold the state (updated in place).
/// H_frames, when given, receives the inhibition after every frame.
template <typename T>
void run_planes(const at::Tensor& x, at::Tensor& out, at::Tensor& V, at::Tensor& H, at::Tensor* H_frames,
                const Coefficients<T>& c, const at::Tensor& weight, bool shortcut_allowed) {
  const int64_t planes = x.size(0) * x.size(1), frames = x.size(2), X = x.size(3), Y = x.size(4);
  const int64_t P = X * Y;
  const BlurKernel<T> kernel = blur_kernel<T>(weight);
  const bool shortcut = shortcut_allowed && c.lambda_amp == T(0) && at::isfinite(weight).all().item<bool>();
  for (int64_t k = 0; k < planes; ++k) {
    const Plane<T> plane{x.data_ptr<T>() + k * frames * P,
                         out.data_ptr<T>() + k * frames * P,
                         V.data_ptr<T>() + k * P,
                         H.data_ptr<T>() + k * P,
                         H_frames ? H_frames->data_ptr<T>() + k * frames * P : nullptr,
                         frames,
                         X,
                         Y};
    if (shortcut && uniform(plane.H, P))
      run_uniform(plane, c);
    else
      run_general(plane, c, kernel);
  }
}

/// One plane's gradients: y_grad (dL/dy of every frame) and x_grad ([frames, X, Y]); V_bar
/// and H_bar ([X, Y]) hold the gradients of the final V and inhibition on entry and those of
/// the initial ones on return; the parameter gradients are accumulated.
template <typename T>
struct PlaneGradients {
  const T* y_grad;
  T* x_grad;
  T* V_bar;
  T* H_bar;
  double lambda_amp = 0, g_leak = 0, input_amp = 0, bias = 0;
};

/// The reverse-time adjoint of run_general for one plane (the weight gradient is
/// accumulated into weight_grad). V_frames / H_frames: V and the inhibition after every frame.
template <typename T>
void backward_plane(const T* x, const T* V0, const T* H0, const T* V_frames, const T* H_frames, int64_t frames,
                    int64_t X, int64_t Y, const Coefficients<T>& c, const BlurKernel<T>& kernel, T* weight_grad,
                    PlaneGradients<T>& g) {
  const int64_t P = X * Y;
  std::vector<T> deviation(static_cast<size_t>(P)), drive_bar(static_cast<size_t>(P));
  for (int64_t t = frames - 1; t >= 0; --t) {
    const T* xt = x + t * P;
    const T* v_prev = t > 0 ? V_frames + (t - 1) * P : V0;
    const T* h_prev = t > 0 ? H_frames + (t - 1) * P : H0;
    const T* y_grad = g.y_grad + t * P;
    for (int64_t p = 0; p < P; ++p) g.V_bar[p] += y_grad[p];
    // H_t = (K (*) D + bias) + m with D = J - m, m = mean J:
    //   J_bar = K^T (*) H_bar - mean(K^T (*) H_bar) + mean(H_bar).
    for (int64_t p = 0; p < P; ++p) deviation[p] = (c.lambda_amp * (v_prev[p] * v_prev[p])) * c.b0 - h_prev[p] * c.a1;
    const T m = frame_mean(deviation.data(), P);
    for (int64_t p = 0; p < P; ++p) deviation[p] = deviation[p] - m;
    std::fill(drive_bar.begin(), drive_bar.end(), T(0));
    replicate_blur_adjoint(kernel, g.H_bar, drive_bar.data(), weight_grad, deviation.data(), 1, X, Y);
    const double h_bar_sum = frame_sum(g.H_bar, P);
    const T shift = static_cast<T>((h_bar_sum - frame_sum(drive_bar.data(), P)) / static_cast<double>(P));
    g.bias += h_bar_sum;
    for (int64_t p = 0; p < P; ++p) {
      const T vp = v_prev[p], hp = h_prev[p];
      const T j_bar = drive_bar[p] + shift;
      const T cond = c.g_leak + hp;
      const T a = exp_of(c.neg_dt * cond);
      const T e = (c.input_amp * xt[p]) / cond;
      const T v_bar = g.V_bar[p];
      const T e_bar = v_bar * (T(1) - a);
      const T cond_bar = v_bar * (vp - e) * (c.neg_dt * a) - e_bar * e / cond;
      g.x_grad[t * P + p] = e_bar * c.input_amp / cond;
      g.input_amp += static_cast<double>(e_bar * xt[p] / cond);
      g.g_leak += static_cast<double>(cond_bar);
      g.lambda_amp += static_cast<double>(c.b0 * j_bar * vp * vp);
      g.V_bar[p] = a * v_bar + T(2) * c.lambda_amp * c.b0 * vp * j_bar;
      g.H_bar[p] = -c.a1 * j_bar + cond_bar;
    }
  }
}

/// The whole chunk as one autograd node: inputs x, the initial V and inhibition and the
/// parameters (converted to x's type), outputs y and the final V and inhibition.
struct BipolarFunction : public torch::autograd::Function<BipolarFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                const at::Tensor& V0, const at::Tensor& H0,
                                                const at::Tensor& lambda_amp, const at::Tensor& g_leak,
                                                const at::Tensor& input_amp, const at::Tensor& weight,
                                                const at::Tensor& bias) {
    const at::Tensor input = x.contiguous();
    at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
    at::Tensor H_frames = at::empty_like(input, at::MemoryFormat::Contiguous);
    at::Tensor V = V0.contiguous().clone();
    at::Tensor H = H0.contiguous().clone();
    const BipolarParams params{lambda_amp, g_leak, input_amp, weight, bias};
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "retina_bipolar", [&] {
      run_planes<scalar_t>(input, out, V, H, &H_frames, coefficients<scalar_t>(params), weight, false);
    });
    ctx->save_for_backward({input, V0, H0, lambda_amp, g_leak, input_amp, weight, bias});
    ctx->saved_data["V_frames"] = out;
    ctx->saved_data["H_frames"] = H_frames;
    return {out, V, H};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor V0 = saved[1].contiguous(), H0 = saved[2].contiguous();
    const BipolarParams params{saved[3], saved[4], saved[5], saved[6], saved[7]};
    const at::Tensor V_frames = ctx->saved_data["V_frames"].toTensor();
    const at::Tensor H_frames = ctx->saved_data["H_frames"].toTensor();
    const at::Tensor y_grad = grads[0].defined() ? grads[0].contiguous() : at::zeros_like(x);
    at::Tensor V_bar = grads[1].defined() ? grads[1].contiguous().clone() : at::zeros_like(V0);
    at::Tensor H_bar = grads[2].defined() ? grads[2].contiguous().clone() : at::zeros_like(H0);
    at::Tensor x_grad = at::empty_like(x);
    const at::Tensor weight = params.weight.contiguous();
    at::Tensor weight_grad = at::zeros_like(weight);
    double lambda_grad = 0, g_leak_grad = 0, input_amp_grad = 0, bias_grad = 0;
    const int64_t planes = x.size(0) * x.size(1), frames = x.size(2), X = x.size(3), Y = x.size(4);
    const int64_t P = X * Y;
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "retina_bipolar_backward", [&] {
      const Coefficients<scalar_t> c = coefficients<scalar_t>(params);
      const BlurKernel<scalar_t> kernel = blur_kernel<scalar_t>(weight);
      for (int64_t k = 0; k < planes; ++k) {
        const int64_t chunk = k * frames * P;
        PlaneGradients<scalar_t> g{y_grad.data_ptr<scalar_t>() + chunk, x_grad.data_ptr<scalar_t>() + chunk,
                                   V_bar.data_ptr<scalar_t>() + k * P, H_bar.data_ptr<scalar_t>() + k * P};
        backward_plane(x.data_ptr<scalar_t>() + chunk, V0.data_ptr<scalar_t>() + k * P,
                       H0.data_ptr<scalar_t>() + k * P, V_frames.data_ptr<scalar_t>() + chunk,
                       H_frames.data_ptr<scalar_t>() + chunk, frames, X, Y, c, kernel,
                       weight_grad.data_ptr<scalar_t>(), g);
        lambda_grad += g.lambda_amp;
        g_leak_grad += g.g_leak;
        input_amp_grad += g.input_amp;
        bias_grad += g.bias;
      }
    });
    const auto scalar_grad = [](double value, const at::Tensor& like) {
      return at::scalar_tensor(value, like.options()).reshape(like.sizes());
    };
    return {x_grad,
            V_bar,
            H_bar,
            scalar_grad(lambda_grad, saved[3]),
            scalar_grad(g_leak_grad, saved[4]),
            scalar_grad(input_amp_grad, saved[5]),
            weight_grad,
            scalar_grad(bias_grad, saved[7])};
  }
};

/// The state to start from, [B, C, X, Y] in x's type: `given` (expanded when it is one
/// [X, Y] frame for every plane) or `initial` everywhere.
at::Tensor initial_state(const at::Tensor& given, const at::Tensor& x, double initial, const char* name) {
  const std::vector<int64_t> shape{x.size(0), x.size(1), x.size(3), x.size(4)};
  if (!given.defined()) return at::full(shape, initial, x.options().requires_grad(false));
  if (given.dim() == 2 && given.size(0) == shape[2] && given.size(1) == shape[3])
    return given.to(x.scalar_type()).expand(shape).contiguous();
  if (given.sizes() != at::IntArrayRef(shape))
    throw std::invalid_argument(std::string("retina_bipolar: the state ") + name + " has shape " +
                                c10::str(given.sizes()) + ", the input's frames need " + c10::str(shape) +
                                " (or [x, y])");
  return given.to(x.scalar_type()).contiguous();
}

/// A one-element parameter as a 0-d tensor of type `dtype`.
at::Tensor scalar_param(const at::Tensor& t, const char* name, at::ScalarType dtype) {
  if (!t.defined() || t.numel() != 1)
    throw std::invalid_argument(std::string("retina_bipolar: ") + name + " must have one element");
  return t.reshape({}).to(dtype);
}

}  // namespace

at::Tensor retina_bipolar(const at::Tensor& x, const BipolarParams& params, BipolarState& state, BipolarPath path) {
  if (x.dim() != 5 || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble))
    throw std::invalid_argument("retina_bipolar: expected a float32 or float64 [B, C, T, X, Y] tensor");
  if (x.size(3) < 1 || x.size(4) < 1) throw std::invalid_argument("retina_bipolar: frames must have pixels");
  const at::ScalarType dtype = x.scalar_type();
  const at::Tensor& w = params.weight;
  if (!w.defined() || w.dim() < 2 || w.numel() != w.size(-2) * w.size(-1))
    throw std::invalid_argument("retina_bipolar: the conv2d weight must be [.., kx, ky] with leading sizes 1");
  const BipolarParams p{scalar_param(params.lambda_amp, "lambda_amp", dtype),
                        scalar_param(params.g_leak, "g_leak", dtype),
                        scalar_param(params.input_amp, "input_amp", dtype), w.to(dtype),
                        scalar_param(params.bias, "conv2d_bias", dtype)};
  const at::Tensor V0 = initial_state(state.V, x, 0.0, "V");
  const at::Tensor H0 = initial_state(state.inhibition, x, 1.0, "inhibition");
  if (needs_grad({x, p.lambda_amp, p.g_leak, p.input_amp, p.weight, p.bias, V0, H0})) {
    const auto outs = BipolarFunction::apply(x, V0, H0, p.lambda_amp, p.g_leak, p.input_amp, p.weight, p.bias);
    state.V = outs[1];
    state.inhibition = outs[2];
    return outs[0];
  }
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor V = V0.clone(), H = H0.clone();
  AT_DISPATCH_FLOATING_TYPES(dtype, "retina_bipolar", [&] {
    run_planes<scalar_t>(input, out, V, H, nullptr, coefficients<scalar_t>(p), p.weight,
                         path == BipolarPath::Automatic);
  });
  state.V = V;
  state.inhibition = H;
  return out;
}

}  // namespace cvm::kernels
