#include "frontend/units/unit.h"

#include <map>

namespace cvm {

namespace {
constexpr Dimension kTime{1, 0};
constexpr Dimension kSpace{0, 1};
constexpr Dimension kFrequency{-1, 0};
}  // namespace

std::optional<Unit> lookup_unit(const std::string& name, const Resolution& r) {
  if (name == "s") return Unit{kTime, 1.0};
  if (name == "ms") return Unit{kTime, 1e-3};
  if (name == "us") return Unit{kTime, 1e-6};
  if (name == "steps") return Unit{kTime, 1.0 / r.steps_per_second};
  if (name == "Hz") return Unit{kFrequency, 1.0};
  if (name == "deg") return Unit{kSpace, 1.0};
  if (name == "arcmin") return Unit{kSpace, 1.0 / 60.0};
  if (name == "px") return Unit{kSpace, 1.0 / r.pixels_per_degree};
  return std::nullopt;
}

const std::vector<std::string>& unit_names() {
  static const std::vector<std::string> names = {"s", "ms", "us", "steps", "Hz", "deg", "arcmin", "px"};
  return names;
}

std::optional<Dimension> type_dimension(const std::string& type) {
  static const std::map<std::string, Dimension> types = {
      {"real", {}}, {"int", {}}, {"time", kTime}, {"frequency", kFrequency}, {"length", kSpace},
  };
  auto it = types.find(type);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

std::string dimension_unit(const Dimension& d) {
  if (d.dimensionless()) return "1";
  if (d == kFrequency) return "Hz";
  std::string num, den;
  auto add = [](std::string& s, const char* u, int p) {
    if (p == 0) return;
    if (!s.empty()) s += "*";
    s += u;
    if (p > 1) s += "^" + std::to_string(p);
  };
  add(num, "deg", d.space > 0 ? d.space : 0);
  add(num, "s", d.time > 0 ? d.time : 0);
  add(den, "deg", d.space < 0 ? -d.space : 0);
  add(den, "s", d.time < 0 ? -d.time : 0);
  if (num.empty()) num = "1";
  return den.empty() ? num : num + "/" + den;
}

std::string dimension_name(const Dimension& d) {
  if (d.dimensionless()) return "a plain number";
  if (d == kTime) return "a time";
  if (d == kSpace) return "a length";
  if (d == kFrequency) return "a frequency";
  return "a quantity in " + dimension_unit(d);
}

}  // namespace cvm
