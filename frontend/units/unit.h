// Physical units: a dimension (powers of time and visual angle) and a scale to the base
// units, seconds and degrees. The one table of unit names lives in unit.cpp.
//
// `px` and `steps` are lengths and times whose size depends on the model's resolution
// (pixels per degree, steps per second), so converting them needs a Resolution.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cvm {

/// Powers of the base dimensions: time (s) and visual angle (deg).
struct Dimension {
  int time = 0;
  int space = 0;
  bool operator==(const Dimension& o) const { return time == o.time && space == o.space; }
  bool operator!=(const Dimension& o) const { return !(*this == o); }
  Dimension operator*(const Dimension& o) const { return {time + o.time, space + o.space}; }
  Dimension operator/(const Dimension& o) const { return {time - o.time, space - o.space}; }
  bool dimensionless() const { return time == 0 && space == 0; }
};

/// The resolution that turns steps and pixels into seconds and degrees.
struct Resolution {
  double steps_per_second = 1000.0;
  double pixels_per_degree = 10.0;  // as convis
};

/// A unit's dimension and its factor to base units: value_in_base = value * scale.
struct Unit {
  Dimension dim;
  double scale = 1.0;
};

/// Looks a unit name up (`s`, `ms`, `us`, `Hz`, `deg`, `arcmin`, `px`, `steps`).
std::optional<Unit> lookup_unit(const std::string& name, const Resolution& resolution);

/// Every unit name, for "did you mean" and documentation.
const std::vector<std::string>& unit_names();

/// The dimension a parameter type stands for (`time`, `frequency`, `length`, `real`,
/// `int`), or nullopt when the type is not a quantity type.
std::optional<Dimension> type_dimension(const std::string& type);

/// Human text for a dimension in base units: "s", "deg", "Hz", "deg/s", "1" for none.
std::string dimension_unit(const Dimension& d);

/// Human name for a dimension: "a time", "a length", "a frequency", "a number"...
std::string dimension_name(const Dimension& d);

}  // namespace cvm
