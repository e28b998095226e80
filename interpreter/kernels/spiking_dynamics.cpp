#include "interpreter/kernels/spiking_dynamics.h"

#include <cmath>

namespace cvm::kernels {

at::Tensor izhikevich_spikes(const at::Tensor& current, const IzhikevichParams& p, IzhikevichState& state) {
  const char* name = "Izhikevich";
  const FrameLayout l = frame_layout(current, name);
  const at::Tensor input = current.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor V = state_copy(state.v, l, p.c, name, "v");
  at::Tensor U = state_copy(state.u, l, p.b * p.c, name, "u");
  const float* x = input.data_ptr<float>();
  float* o = out.data_ptr<float>();
  float* v = V.data_ptr<float>();
  float* u = U.data_ptr<float>();
  const int64_t pixels = l.pixels();
  const float half_a = 0.5f * p.a;
  std::vector<int64_t> spiking;  // cells that spiked in this frame, in row-major order
  // Cells are coupled within a frame by the reset of u (see the header), so one thread
  // visits every cell of a frame in order.
  for (int64_t t = 0; t < l.frames; ++t) {
    spiking.clear();
    for (int64_t plane = 0; plane < l.planes(); ++plane) {
      const int64_t frame = (plane * l.frames + t) * pixels;
      for (int64_t px = 0; px < pixels; ++px) {
        const int64_t cell = plane * pixels + px;
        float vc = v[cell], uc = u[cell];
        const float I = x[frame + px];
        for (int sub = 0; sub < 2; ++sub) {
          const float dv = 0.5f * ((0.04f * vc * vc + 5.0f * vc + 140.0f) - uc + I);
          const float du = half_a * (p.b * vc - uc);
          vc = vc + dv;
          uc = uc + du;
        }
        const bool spike = vc >= p.threshold;
        if (spike) spiking.push_back(cell);
        v[cell] = spike ? p.c : vc;
        u[cell] = uc;
        o[frame + px] = spike ? 1.0f : 0.0f;
      }
    }
    masked_scatter_in_rank_order(u, spiking, [&p](float uk) { return uk + p.d; });
  }
  state.v = V;
  state.u = U;
  return out;
}

at::Tensor fitzhugh_nagumo(const at::Tensor& current, const FitzHughNagumoParams& p, const CounterRng& rng,
                           FitzHughNagumoState& state) {
  const char* name = "FitzHughNagumo";
  const FrameLayout l = frame_layout(current, name);
  const at::Tensor input = current.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor V = state_copy(state.v, l, 0, name, "v");
  at::Tensor W = state_copy(state.w, l, 0, name, "w");
  const float* x = input.data_ptr<float>();
  float* o = out.data_ptr<float>();
  float* v = V.data_ptr<float>();
  float* w = W.data_ptr<float>();
  const int64_t pixels = l.pixels(), step = state.step;
  constexpr int kSubSteps = 10;
  const float dt = 1.0f / kSubSteps;
  const float noise_dt = p.noise_strength * dt;
  for_cell_runs(l, [&](int64_t plane, int64_t first, int64_t last) {
    for (int64_t t = 0; t < l.frames; ++t) {
      const int64_t frame = (plane * l.frames + t) * pixels;
      for (int64_t px = first; px < last; ++px) {
        const int64_t cell = plane * pixels + px;
        float noise_v = 0, noise_w = 0;
        if (p.noise_strength != 0.0f) {
          const std::array<float, 2> noise = rng.normal_pair(static_cast<uint32_t>(cell), step + t, 0);
          noise_v = noise_dt * noise[0];
          noise_w = noise_dt * noise[1];
        }
        const float I = x[frame + px];
        float vc = v[cell], wc = w[cell];
        for (int sub = 0; sub < kSubSteps; ++sub) {
          const float dv = dt * (I + vc - (vc * vc * vc) / 3.0f - wc);
          const float dw = dt * (vc - p.a - p.b * wc) * p.tau;
          vc = vc + dv + noise_v;
          wc = wc + dw + noise_w;
        }
        v[cell] = vc;
        w[cell] = wc;
        o[frame + px] = vc;
      }
    }
  });
  state.v = V;
  state.w = W;
  state.step += l.frames;
  return out;
}

namespace {

/// x / (exp(x / scale) - 1), with its limit `scale` at x = 0: the shape of alpha_n and
/// alpha_m.
float ratio_to_expm1(float x, float scale) {
  const float denominator = std::exp(x / scale) - 1.0f;
  return denominator == 0.0f ? scale : x / denominator;
}

struct Rates {
  float alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h;
};

/// The Hodgkin–Huxley rate functions (per ms, v in mV relative to rest), as convis writes
/// them: alpha_n = 0.01 (10 - v) / (exp(1 - v/10) - 1), alpha_m = 0.1 (25 - v) /
/// (exp(2.5 - v/10) - 1), beta_n = 0.125 exp(-v/80), beta_m = 4 exp(-v/18),
/// alpha_h = 0.07 exp(-v/20), beta_h = 1 / (exp(3 - v/10) + 1).
Rates rates(float v) {
  Rates r;
  r.alpha_n = 0.01f * ratio_to_expm1(10.0f - v, 10.0f);
  r.beta_n = 0.125f * std::exp(-v / 80.0f);
  r.alpha_m = 0.1f * ratio_to_expm1(25.0f - v, 10.0f);
  r.beta_m = 4.0f * std::exp(-v / 18.0f);
  r.alpha_h = 0.07f * std::exp(-v / 20.0f);
  r.beta_h = 1.0f / (std::exp(3.0f - 0.1f * v) + 1.0f);
  return r;
}

}  // namespace

at::Tensor hodgkin_huxley(const at::Tensor& current, const HodgkinHuxleyParams& p, const CounterRng& rng,
                          HodgkinHuxleyState& state) {
  const char* name = "HogkinHuxley";
  const FrameLayout l = frame_layout(current, name);
  const at::Tensor input = current.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor V = state_copy(state.v, l, 0, name, "v");
  at::Tensor N = state_copy(state.v_n, l, 0, name, "v_n");
  at::Tensor M = state_copy(state.v_m, l, 0, name, "v_m");
  at::Tensor H = state_copy(state.v_h, l, 0, name, "v_h");
  const float* x = input.data_ptr<float>();
  float* o = out.data_ptr<float>();
  float *v = V.data_ptr<float>(), *n = N.data_ptr<float>(), *m = M.data_ptr<float>(), *h = H.data_ptr<float>();
  const int64_t pixels = l.pixels(), step = state.step;
  constexpr int kSubSteps = 20;
  const float dt = 1.0f / kSubSteps;
  const float gK = p.gK / p.Cm, gNa = p.gNa / p.Cm, gL = p.gL / p.Cm;
  for_cell_runs(l, [&](int64_t plane, int64_t first, int64_t last) {
    for (int64_t t = 0; t < l.frames; ++t) {
      const int64_t frame = (plane * l.frames + t) * pixels;
      for (int64_t px = first; px < last; ++px) {
        const int64_t cell = plane * pixels + px;
        float noise = 0;
        if (p.noise_strength != 0.0f) noise = p.noise_strength * rng.normal(static_cast<uint32_t>(cell), step + t, 0);
        const float drive = x[frame + px] + noise / p.Cm;
        float vc = v[cell], nc = n[cell], mc = m[cell], hc = h[cell];
        for (int sub = 0; sub < kSubSteps; ++sub) {
          const float n2 = nc * nc;
          const float dv = drive - gK * (n2 * n2) * (vc - p.VK) - gNa * (mc * mc * mc) * hc * (vc - p.VNa) -
                           gL * (vc - p.Vl);
          const Rates r = rates(vc);
          const float dn = r.alpha_n * (1.0f - nc) - r.beta_n * nc;
          const float dm = r.alpha_m * (1.0f - mc) - r.beta_m * mc;
          const float dh = r.alpha_h * (1.0f - hc) - r.beta_h * hc;
          vc = vc + dt * dv;
          nc = nc + dt * dn;
          mc = mc + dt * dm;
          hc = hc + dt * dh;
        }
        v[cell] = vc;
        n[cell] = nc;
        m[cell] = mc;
        h[cell] = hc;
        o[frame + px] = vc;
      }
    }
  });
  state.v = V;
  state.v_n = N;
  state.v_m = M;
  state.v_h = H;
  state.step += l.frames;
  return out;
}

}  // namespace cvm::kernels
