#include "frontend/import/vr_vocabulary.h"

namespace cvm {
namespace {

const std::vector<VrElement>& vocabulary() {
  static const std::vector<VrElement> elements = {
      {"retina-description-file", {}, {"retina", "basic-microsaccade-generator"}},
      {"retina",
       {"temporal-step__sec", "input-luminosity-range", "pixels-per-degree"},
       // convis also looks for basic-microsaccade-generator inside retina.
       {"log-polar-scheme", "outer-plexiform-layer", "contrast-gain-control", "contrast-gain-control-custom",
        "ganglion-layer", "basic-microsaccade-generator"}},
      {"log-polar-scheme", {"fovea-radius__deg", "scaling-factor-outside-fovea__inv-deg"}, {}},
      {"basic-microsaccade-generator",
       {"pixels-per-degree", "temporal-step__sec", "angular-noise__pi-radians", "period-mean__sec",
        "period-stdev__sec", "amplitude-mean__deg", "amplitude-stdev__deg", "saccade-duration-mean__sec",
        "saccade-duration-stdev__sec"},
       {}},
      {"outer-plexiform-layer", {}, {"linear-version", "luminance-gain-control-version"}},
      {"linear-version",
       {"center-sigma__deg", "center-tau__sec", "center-n__uint", "surround-sigma__deg", "surround-tau__sec",
        "opl-relative-weight", "leaky-heat-equation", "opl-amplification"},
       {"undershoot"}},
      {"undershoot", {"relative-weight", "tau__sec"}, {}},
      {"luminance-gain-control-version",
       {"input-amplification-phototransduction", "sigma-receptors__deg", "tau-phototransduction__sec",
        "sigma-horizontal-cells__deg", "additional-tau-horizontal-cells__sec", "relative-weight-surround-center",
        "inert-leak-in-receptors", "horizontal-feedback-amplification", "horizontal-feedback-nernst-potential"},
       {}},
      {"contrast-gain-control",
       {"opl-amplification__Hz", "bipolar-inert-leaks__Hz", "adaptation-sigma__deg", "adaptation-tau__sec",
        "adaptation-feedback-amplification__Hz"},
       {}},
      {"contrast-gain-control-custom",
       {"opl-amplification__Hz", "bipolar-inert-leaks__Hz", "adaptation-sigma__deg", "adaptation-tau__sec",
        "adaptation-feedback-amplification__Hz", "adaptation-powerlaw-exponent", "adaptation-E-inh",
        "adaptation-ONOFF-symmetry", "bipolar-to-adaptation-threshold", "transient-relative-weight",
        "transient-tau__sec"},
       {}},
      {"ganglion-layer",
       {"sign", "transient-tau__sec", "transient-relative-weight", "bipolar-linear-threshold",
        "value-at-linear-threshold__Hz", "bipolar-amplification__Hz", "sigma-pool__deg"},
       {"spiking-channel", "spiking-channel-adap"}},
      {"spiking-channel",
       {"g-leak__Hz", "refr-mean__sec", "refr-stdev__sec", "sigma-V", "random-init"},
       {"square-array", "circular-array", "all-units"}},
      {"spiking-channel-adap",
       {"g-leak__Hz", "refr-mean__sec", "refr-stdev__sec", "sigma-V", "random-init", "delta-g-adap__Hz",
        "tau-g-adap__sec", "E-adap"},
       {"square-array", "circular-array", "all-units"}},
      {"square-array", {"size-x__deg", "size-y__deg", "uniform-density__inv-deg", "noise_pos"}, {}},
      {"circular-array", {"diameter__deg", "fovea-density__inv-deg", "noise_pos"}, {}},
      {"all-units", {}, {"unit"}},
      {"unit", {"x-offset__deg", "y-offset__deg", "mvaspike-id"}, {}},
  };
  return elements;
}

}  // namespace

const VrElement* vr_element(const std::string& name) {
  for (const auto& e : vocabulary()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::vector<std::string> vr_parents(const std::string& name) {
  std::vector<std::string> parents;
  for (const auto& e : vocabulary()) {
    for (const auto& c : e.children) {
      if (c == name) parents.push_back(e.name);
    }
  }
  return parents;
}

const std::string& vr_root_name() { return vocabulary().front().name; }

}  // namespace cvm
