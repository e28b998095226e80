#include "frontend/import/retina_cvm_text.h"

#include <vector>

#include "frontend/import/number_text.h"
#include "frontend/semantic/kernel_support.h"

namespace cvm {
namespace {


double value_of(const ConvisRetinaConfig& c, const std::string& layer, const std::string& param) {
  return c.layer(layer).find(param)->value;
}

int gaussian_size(const ConvisRetinaConfig& c, const std::string& layer, const std::string& param) {
  return gaussian_support(value_of(c, layer, param), kConvisPixelsPerDegree);
}

std::string value_text(const RetinaValue& v) {
  std::string text = number_text(v.value, v.quantity == Quantity::Integer);
  switch (v.quantity) {
    case Quantity::Time: return text + " s";
    case Quantity::Length: return text + " deg";
    case Quantity::Frequency: return text + " Hz";
    default: return text;
  }
}

/// The structural arguments of one layer: kernel sizes from the configured values.
std::string arguments(const ConvisRetinaConfig& c, const RetinaLayer& layer) {
  std::vector<std::string> args;
  if (layer.type == "OPL") {
    args.push_back("center_size = " + std::to_string(gaussian_size(c, layer.name, "opl_filter.sigma_center")));
    args.push_back("surround_size = " + std::to_string(gaussian_size(c, layer.name, "opl_filter.sigma_surround")));
  } else if (layer.type == "Bipolar") {
    args.push_back("adaptation_size = " + std::to_string(gaussian_size(c, layer.name, "adaptation_sigma")));
  } else if (layer.type == "GanglionInput") {
    int transient = highpass_exponential_support(value_of(c, layer.name, "transient_tau_center"),
                                                 value_of(c, layer.name, "transient_relative_weight_center"),
                                                 kConvisStepsPerSecond);
    args.push_back("transient_size = " + std::to_string(transient));
    args.push_back("pool_size = " + std::to_string(gaussian_size(c, layer.name, "sigma_surround")));
    if (c.crop_pool) args.push_back("crop = true");
  }
  if (!layer.enabled) args.push_back("enabled = false");
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : ", ") + a;
  return out;
}

/// Text for a `//` comment: control characters and bytes outside ASCII (which may not be
/// UTF-8) become '?', and a long text is cut.
std::string comment_text(const std::string& s) {
  constexpr size_t kLongest = 60;
  std::string out;
  for (char ch : s.substr(0, kLongest)) {
    unsigned char u = static_cast<unsigned char>(ch);
    out += u < 0x20 || u >= 0x7f ? '?' : ch;
  }
  return s.size() > kLongest ? out + "..." : out;
}

}  // namespace

RetinaCvmText retina_cvm_text(const ConvisRetinaConfig& c, const std::string& model_name,
                              const ImportProvenance& provenance) {
  RetinaCvmText result;
  std::vector<std::string> lines = {
      "// Imported from " + comment_text(provenance.source_name) + " by `cvm import virtualretina --as convis`",
      "// (sha256 " + provenance.sha256 + ").",
      "// convis's Retina() configured by this file, as RetinaConfiguration.read_xml and",
      "// Retina.parse_config do: values marked with a line come from the file, the others are",
      "// Retina()'s. Kernel sizes are for convis's resolution, 10 px/deg and 1000 steps/s.",
  };
  if (!c.ignored.empty()) {
    lines.push_back("// Ignored by convis:");
    for (const auto& i : c.ignored) {
      lines.push_back("//   line " + std::to_string(i.line) + ": " + comment_text(i.what));
    }
  }
  lines.push_back("import std.convis");
  lines.push_back("");
  lines.push_back("model " + model_name + " {");
  lines.push_back("  input x");
  for (const auto& layer : c.layers) {
    lines.push_back("  layer " + layer.name + " = " + layer.type + "(" + arguments(c, layer) + ") {");
    for (const auto& v : layer.values) {
      std::string line = "    " + v.param + " = " + value_text(v);
      if (v.line > 0) {
        line += "  // line " + std::to_string(v.line);
        result.origins[static_cast<uint32_t>(lines.size() + 1)] = v.origin;
      }
      lines.push_back(line);
    }
    lines.push_back("  }");
  }
  lines.push_back("  x -> opl -> bipolar -> gang_0_input -> gang_0_spikes");
  lines.push_back("  bipolar -> gang_1_input -> gang_1_spikes");
  lines.push_back("  output ganglion_spikes_ON = gang_0_spikes");
  lines.push_back("  output ganglion_spikes_OFF = gang_1_spikes");
  lines.push_back("}");
  for (const auto& line : lines) result.text += line + "\n";
  return result;
}

}  // namespace cvm
