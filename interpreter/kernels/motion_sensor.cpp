#include "interpreter/kernels/motion_sensor.h"

#include <stdexcept>

namespace cvm::kernels {

at::Tensor integrative_motion_sensor(const at::Tensor& x, MotionSensorMode mode, double threshold,
                                     MotionSensorState& state) {
  const char* name = "IntegrativeMotionSensor";
  const FrameLayout l = frame_layout(x, name);
  if (mode == MotionSensorMode::Log && !(threshold > 1.0))
    throw std::invalid_argument("IntegrativeMotionSensor: the threshold must be larger than 1 in 'log' mode");
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty({l.batch, 2 * l.channels, l.frames, l.x, l.y}, input.options());
  at::Tensor F = state_copy(state.last_frame, l, mode == MotionSensorMode::Linear ? 0.0f : 0.5f, name, "last_frame");
  const float* in = input.data_ptr<float>();
  float* o = out.data_ptr<float>();
  float* f = F.data_ptr<float>();
  const float thr = static_cast<float>(threshold);
  const float off_ratio = static_cast<float>(1.0 / threshold);
  const int64_t pixels = l.pixels();
  std::vector<int64_t> on, off;
  // Cells are coupled within a frame by the rank-order update, so one thread visits every
  // cell of a frame in order.
  for (int64_t t = 0; t < l.frames; ++t) {
    on.clear();
    off.clear();
    for (int64_t plane = 0; plane < l.planes(); ++plane) {
      const int64_t b = plane / l.channels, c = plane % l.channels;
      const float* xt = in + (plane * l.frames + t) * pixels;
      float* on_t = o + ((b * 2 * l.channels + c) * l.frames + t) * pixels;
      float* off_t = o + ((b * 2 * l.channels + l.channels + c) * l.frames + t) * pixels;
      float* ft = f + plane * pixels;
      for (int64_t px = 0; px < pixels; ++px) {
        bool is_on, is_off;
        if (mode == MotionSensorMode::Linear) {
          ft[px] = ft[px] + xt[px];
          is_on = ft[px] > thr;
          is_off = ft[px] < -thr;
        } else {
          const float ratio = xt[px] / ft[px];
          is_on = ratio > thr;
          is_off = ratio < off_ratio;
        }
        if (is_on) on.push_back(plane * pixels + px);
        if (is_off) off.push_back(plane * pixels + px);
        on_t[px] = is_on ? 1.0f : 0.0f;
        off_t[px] = is_off ? 1.0f : 0.0f;
      }
    }
    if (mode == MotionSensorMode::Linear) {
      masked_scatter_in_rank_order(f, on, [thr](float v) { return v - thr; });
      masked_scatter_in_rank_order(f, off, [thr](float v) { return v + thr; });
    } else {
      masked_scatter_in_rank_order(f, on, [thr](float v) { return v * thr; });
      masked_scatter_in_rank_order(f, off, [thr](float v) { return v / thr; });
    }
  }
  state.last_frame = F;
  return out;
}

}  // namespace cvm::kernels
