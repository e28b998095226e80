// `cvm params`: every parameter of a model with its value (after --set and --params),
// unit, bounds, prior and doc, as text or JSON; or `--export` to .npz / .h5.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "frontend/graph/graph_print.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/parameters.h"

namespace cvm::interp {
namespace {

std::string value_text(const graph::Parameter& p, const at::Tensor& t) {
  std::ostringstream s;
  if (p.type != "tensor") {
    s << std::setprecision(6) << t.item<double>();
    return s.str();
  }
  s << "tensor[";
  for (int64_t i = 0; i < t.dim(); ++i) s << (i ? ", " : "") << t.size(i);
  s << "] min " << std::setprecision(4) << t.min().item<double>() << " max " << t.max().item<double>();
  return s.str();
}

int params(const ParamsRequest& r) {
  ModelSetup s;
  if (int code = setup_model(r.model, s); code != kExitOk) return code;
  return guarded(&s.compilation, [&] {
    const graph::ModelGraph& g = *s.graph;
    if (!r.export_path.empty()) {
      export_params(r.export_path, g, s.params);
      return static_cast<int>(kExitOk);
    }
    if (r.format == "json") {
      std::cout << "[\n";
      for (size_t i = 0; i < g.params.size(); ++i) {
        const auto& p = g.params[i];
        std::cout << "  {\"path\": " << graph::json_string(p.path) << ", \"flat_name\": " << graph::json_string(p.flat_name())
                  << ", \"type\": " << graph::json_string(p.type) << ", \"unit\": " << graph::json_string(dimension_unit(p.dim));
        if (p.type == "tensor") {
          std::cout << ", \"shape\": [";
          for (int64_t k = 0; k < s.params[i].dim(); ++k) std::cout << (k ? ", " : "") << s.params[i].size(k);
          std::cout << "]";
        } else {
          std::cout << ", \"value\": " << std::setprecision(9) << s.params[i].item<double>();
        }
        if (p.lower) std::cout << ", \"bounds\": [" << *p.lower << ", " << *p.upper << "]";
        if (p.prior) std::cout << ", \"prior\": " << graph::json_string(graph::to_string(*p.prior));
        if (p.tied_to) std::cout << ", \"tied_to\": " << graph::json_string(*p.tied_to);
        if (!p.tied_to && !p.value.param_refs().empty()) {
          std::cout << ", \"built_from\": " << graph::json_string(graph::to_string(p.value));
        }
        std::cout << ", \"fixed\": " << (p.fixed ? "true" : "false") << ", \"doc\": " << graph::json_string(p.doc) << "}"
                  << (i + 1 < g.params.size() ? "," : "") << "\n";
      }
      std::cout << "]\n";
      return static_cast<int>(kExitOk);
    }
    for (size_t i = 0; i < g.params.size(); ++i) {
      const auto& p = g.params[i];
      std::cout << p.path << " = " << value_text(p, s.params[i]);
      if (!p.dim.dimensionless()) std::cout << " " << dimension_unit(p.dim);
      if (p.lower) std::cout << "  in [" << *p.lower << ", " << *p.upper << "]";
      if (p.prior) std::cout << "  ~ " << graph::to_string(*p.prior);
      if (p.tied_to) std::cout << "  (= " << *p.tied_to << ")";
      if (!p.tied_to && !p.value.param_refs().empty()) std::cout << "  (= " << graph::to_string(p.value) << ")";
      if (p.fixed) std::cout << "  fixed";
      if (!p.doc.empty()) std::cout << "  \"" << p.doc << "\"";
      std::cout << "\n";
    }
    return static_cast<int>(kExitOk);
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_params(const cvm::ParamsRequest* request) { return cvm::interp::params(*request); }
