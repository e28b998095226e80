#include "frontend/import/convis_retina_config.h"

#include <stdexcept>

namespace cvm {
namespace {

using C = ConvisConversion;
using Q = Quantity;

RetinaLayer opl() {
  return {"opl",
          "OPL",
          {
              {"opl_filter.sigma_center", "center-sigma__deg", C::GaussianVirtual, Q::Length, 0.05, {}},
              {"opl_filter.tau_center", "center-tau__sec", C::FloatVirtual, Q::Time, 0.01, {}},
              {"opl_filter.n_center", "center-n__uint", C::IntVirtual, Q::Integer, 0, {}},
              {"opl_filter.undershoot_tau_center", "tau__sec", C::FloatVirtual, Q::Time, 0.1, {}},
              {"opl_filter.undershoot_relative_weight_center", "relative-weight", C::FloatVirtual, Q::Real, 0.8, {}},
              {"opl_filter.sigma_surround", "surround-sigma__deg", C::GaussianVirtual, Q::Length, 0.15, {}},
              {"opl_filter.tau_surround", "surround-tau__sec", C::FloatVirtual, Q::Time, 0.004, {}},
              {"opl_filter.relative_weight", "opl-relative-weight", C::Parameter, Q::Real, 1, {}},
              {"opl_filter.lambda_opl", "opl-amplification", C::Parameter, Q::Real, 10, {}},
          },
          true};
}

RetinaLayer bipolar() {
  return {"bipolar",
          "Bipolar",
          {
              {"lambda_amp", "adaptation-feedback-amplification__Hz", C::Parameter, Q::Frequency, 0, {}},
              {"g_leak", "bipolar-inert-leaks__Hz", C::Parameter, Q::Frequency, 50, {}},
              {"input_amp", "opl-amplification__Hz", C::Parameter, Q::Frequency, 50, {}},
              {"tau", "adaptation-tau__sec", C::Parameter, Q::Time, 0.005, {}},
              {"adaptation_sigma", "adaptation-sigma__deg", C::GaussianVirtual, Q::Length, 0.2, {}},
          },
          true};
}

RetinaLayer ganglion_input(int index) {
  return {"gang_" + std::to_string(index) + "_input",
          "GanglionInput",
          {
              {"sign", "sign", C::Parameter, Q::Real, index == 0 ? 1.0 : -1.0, {}},
              {"transient_tau_center", "transient-tau__sec", C::TransientVirtual, Q::Time, 0.02, {}},
              {"transient_relative_weight_center", "transient-relative-weight", C::TransientVirtual, Q::Real, 0.7, {}},
              {"i_0", "value-at-linear-threshold__Hz", C::Parameter, Q::Frequency, 37, {}},
              {"v_0", "bipolar-linear-threshold", C::Parameter, Q::Real, 0, {}},
              {"lambda_G", "bipolar-amplification__Hz", C::Parameter, Q::Frequency, 100, {}},
              {"sigma_surround", "sigma-pool__deg", C::GaussianVirtual, Q::Length, 0, {}},
          },
          true};
}

RetinaLayer ganglion_spikes(int index) {
  return {"gang_" + std::to_string(index) + "_spikes",
          "GanglionSpiking",
          {
              {"refr_mu", "refr-mean__sec", C::Parameter, Q::Time, 0.003, {}},
              {"refr_sigma", "refr-stdev__sec", C::Parameter, Q::Time, 0, {}},
              {"noise_sigma", "sigma-V", C::Parameter, Q::Real, 0.1, {}},
              {"g_L", "g-leak__Hz", C::Parameter, Q::Frequency, 50, {}},
          },
          true};
}

}  // namespace

RetinaValue* RetinaLayer::find(const std::string& p) {
  for (auto& v : values) {
    if (v.param == p) return &v;
  }
  return nullptr;
}

const RetinaValue* RetinaLayer::find(const std::string& p) const {
  return const_cast<RetinaLayer*>(this)->find(p);
}

RetinaLayer& ConvisRetinaConfig::layer(const std::string& name) {
  for (auto& l : layers) {
    if (l.name == name) return l;
  }
  throw std::logic_error("the Retina has no layer '" + name + "'");
}

const RetinaLayer& ConvisRetinaConfig::layer(const std::string& name) const {
  return const_cast<ConvisRetinaConfig*>(this)->layer(name);
}

ConvisRetinaConfig default_convis_retina() {
  ConvisRetinaConfig c;
  c.layers = {opl(), bipolar(), ganglion_input(0), ganglion_spikes(0), ganglion_input(1), ganglion_spikes(1)};
  return c;
}

}  // namespace cvm
