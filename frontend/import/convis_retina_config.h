// The parameters of convis's Retina that a VirtualRetina configuration sets (catalogue
// §6.5): which layer and parameter each configuration key reaches, how convis converts the
// key's string (Parameter.set's int()/float(), a VirtualParameter's float()/int(), a
// gaussian or transient kernel rebuilt from it), and Retina()'s value for it (its default
// RetinaConfiguration). `cvm import virtualretina` fills one with a file's values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/source/source_manager.h"

namespace cvm {

/// convis's resolution, which it uses whatever a VirtualRetina file says (catalogue §6.6):
/// the kernel sizes and the kernels' validity are computed at it.
constexpr double kConvisPixelsPerDegree = 10.0;
constexpr double kConvisStepsPerSecond = 1000.0;

/// How convis turns a configuration string into the parameter's value.
enum class ConvisConversion {
  Parameter,         // Parameter.set: float() when the text has a '.', else int()
  FloatVirtual,      // VirtualParameter(float)
  IntVirtual,        // VirtualParameter(int)
  GaussianVirtual,   // VirtualParameter(conv.gaussian): the text reaches gauss_filter_2d
  TransientVirtual,  // VirtualParameter(float) that rebuilds the ganglion transient kernel
};

/// The dimension of a parameter, for the unit written after its value.
enum class Quantity { Real, Integer, Time, Length, Frequency };

/// One configured parameter of one layer.
struct RetinaValue {
  std::string param;  // path inside the layer, e.g. "opl_filter.sigma_center"
  std::string key;    // VirtualRetina attribute, e.g. "center-sigma__deg"
  ConvisConversion conversion = ConvisConversion::Parameter;
  Quantity quantity = Quantity::Real;
  double value = 0;     // Retina()'s value until the file sets it
  SourceRange origin;   // the attribute that set it; invalid for Retina()'s value
  uint32_t line = 0;    // the line of that attribute
};

/// One layer of the Retina: opl, bipolar, gang_0_input, gang_0_spikes, gang_1_input or
/// gang_1_spikes.
struct RetinaLayer {
  std::string name;  // e.g. "gang_0_input"
  std::string type;  // e.g. "GanglionInput"
  std::vector<RetinaValue> values;
  bool enabled = true;  // false: a ganglion layer without <spiking-channel> (rates, as VirtualRetina)

  RetinaValue* find(const std::string& param);
  const RetinaValue* find(const std::string& param) const;
};

/// Something a file configures that convis ignores, for the header of the written model.
struct IgnoredSetting {
  std::string what;  // e.g. "leaky-heat-equation = 1"
  uint32_t line = 0;
};

/// Retina() after parse_config: its six configurable layers and what convis ignored.
struct ConvisRetinaConfig {
  std::vector<RetinaLayer> layers;
  std::vector<IgnoredSetting> ignored;
  bool crop_pool = false;  // GanglionInput(crop = true): convis's valid pooling convolution

  RetinaLayer& layer(const std::string& name);
  const RetinaLayer& layer(const std::string& name) const;
};

/// Retina() with convis's default RetinaConfiguration (catalogue §6.5).
ConvisRetinaConfig default_convis_retina();

}  // namespace cvm
