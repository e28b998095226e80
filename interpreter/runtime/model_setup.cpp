#include "interpreter/runtime/model_setup.h"

#include <filesystem>
#include <iostream>

#include "frontend/diagnostics/render.h"
#include "frontend/semantic/command_line.h"
#include "interpreter/io/array.h"
#include "interpreter/runtime/param_units.h"
#include "interpreter/runtime/parameters.h"

namespace cvm::interp {

void report_error(const Compilation& c, const std::string& code, SourceRange range, const std::string& message) {
  Diagnostic d;
  d.code = code;
  d.range = range;
  d.message = message;
  render_diagnostic(std::cerr, c.sources, d);
}

int guarded(const Compilation* c, const std::function<int()>& body) {
  static const Compilation empty;
  const Compilation& comp = c ? *c : empty;
  try {
    return body();
  } catch (const RuntimeError& e) {
    report_error(comp, "E0901", e.range, e.what());
    return kExitModelError;
  } catch (const io::DataError& e) {
    report_error(comp, "E0902", {}, e.what());
    return kExitModelError;
  } catch (const c10::Error& e) {
    std::cerr << "cvm: internal error: " << e.what_without_backtrace() << "\n";
    return kExitInternal;
  } catch (const std::bad_alloc&) {
    std::cerr << "cvm: error: out of memory; try a smaller --chunk\n";
    return kExitModelError;
  } catch (const std::exception& e) {
    std::cerr << "cvm: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

int setup_model(const ModelRequest& request, ModelSetup& setup, const ModelCompiler& compile,
                std::set<std::string>* given_names) {
  Compilation& c = setup.compilation;
  if (request.device == "cuda" && !at::hasCUDA()) {
    std::cerr << "cvm: error: --device cuda: this LibTorch has no CUDA support (or no GPU is present); use --device cpu\n";
    return kExitModelError;
  }
  at::set_num_threads(request.threads);
  setup.graph = compile ? compile(c) : compile_model(c, request.file, request.model);
  if (setup.graph) {
    for (const auto& s : request.sets) {
      if (!apply_setting(c, *setup.graph, s)) break;
    }
  }
  if (c.sink.has_errors() || !setup.graph) {
    render_all(std::cerr, c.sources, c.sink);
    return kExitModelError;
  }
  render_all(std::cerr, c.sources, c.sink);  // warnings
  std::string dir = std::filesystem::path(request.file).parent_path().string();
  if (dir.empty()) dir = ".";
  return guarded(&c, [&] {
    const graph::ModelGraph& g = *setup.graph;
    setup.params = materialise_params(g, dir);
    if (request.params_file.empty()) return kExitOk;
    check_param_file_units(request.params_file, g);
    std::set<std::string> given = load_param_file(request.params_file, g, setup.params);
    // --set wins over --params: the set parameters get their set values back (in place,
    // so parameters tied to them follow).
    for (const auto& s : request.sets) {
      int i = g.find_param(setting_path(s));
      if (i >= 0) {
        const graph::Parameter& p = g.params[static_cast<size_t>(i)];
        setup.params[static_cast<size_t>(i)].copy_(materialise_param(p, g, dir, setup.params));
        given.erase(p.flat_name());
      }
    }
    // Tensors built from parameters follow the loaded and set values, unless the file gave them.
    rebuild_derived(g, dir, setup.params, given);
    if (given_names) *given_names = given;
    return kExitOk;
  });
}

}  // namespace cvm::interp
