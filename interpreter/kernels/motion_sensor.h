// convis's IntegrativeMotionSensor (convis.filters.spiking): a DVS-like sensor that sends
// an ON spike when its input has risen by a threshold since the last ON or OFF event and
// an OFF spike when it has fallen by one, as one fused loop over the frames.
#pragma once

#include "interpreter/kernels/spiking.h"

namespace cvm::kernels {

enum class MotionSensorMode {
  /// f += x; ON where f > threshold, OFF where f < -threshold; f -= threshold at ON,
  /// f += threshold at OFF. f starts at 0.
  Linear,
  /// ON where x / f > threshold, OFF where x / f < 1 / threshold; f *= threshold at ON,
  /// f /= threshold at OFF (threshold > 1). f starts at 0.5.
  Log,
};

struct MotionSensorState {
  at::Tensor last_frame;  // f, [B, C, X, Y]; undefined before the first frame
};

/// Spikes of x [B, C, T, X, Y] as float32 0/1 [B, 2C, T, X, Y]: the C ON channels, then the
/// C OFF channels (convis's order). convis updates f with masked_scatter_, so the k-th
/// spiking cell (row-major over [B, C, X, Y]) takes the updated value of cell k, not its
/// own; that numeric quirk is kept, so the spikes are convis's. Throws
/// std::invalid_argument for log mode with threshold <= 1.
at::Tensor integrative_motion_sensor(const at::Tensor& x, MotionSensorMode mode, double threshold,
                                     MotionSensorState& state);

}  // namespace cvm::kernels
