#include "cli/engine_loader.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

namespace cvm {
namespace {

/// Candidates, in order: $CVM_ENGINE, next to the executable's build folder, the path
/// the build wrote in.
std::string engine_path() {
  if (const char* env = std::getenv("CVM_ENGINE")) return env;
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    auto sibling = std::filesystem::path(buf).parent_path().parent_path() / "interpreter" / "libcvm_engine.so";
    std::error_code ec;
    if (std::filesystem::exists(sibling, ec)) return sibling.string();
  }
  return CVM_ENGINE_PATH;
}

void* engine_symbol(const char* name) {
  static void* handle = nullptr;
  if (!handle) {
    // OpenMP threads must not spin-wait on a shared 2-core machine (set before loading).
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    std::string path = engine_path();
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::cerr << "cvm: cannot load the interpreter library " << path << ": " << dlerror() << "\n";
      std::exit(kExitInternal);
    }
  }
  void* sym = dlsym(handle, name);
  if (!sym) {
    std::cerr << "cvm: the interpreter library has no entry point " << name << "\n";
    std::exit(kExitInternal);
  }
  return sym;
}

}  // namespace

int call_engine_run(const RunRequest& request) {
  auto fn = reinterpret_cast<int (*)(const RunRequest*)>(engine_symbol("cvm_engine_run"));
  return fn(&request);
}

int call_engine_params(const ParamsRequest& request) {
  auto fn = reinterpret_cast<int (*)(const ParamsRequest*)>(engine_symbol("cvm_engine_params"));
  return fn(&request);
}

int call_engine_sample(const SampleRequest& request) {
  auto fn = reinterpret_cast<int (*)(const SampleRequest*)>(engine_symbol("cvm_engine_sample"));
  return fn(&request);
}

int call_engine_impulse(const ImpulseRequest& request) {
  auto fn = reinterpret_cast<int (*)(const ImpulseRequest*)>(engine_symbol("cvm_engine_impulse"));
  return fn(&request);
}

int call_engine_plot(const PlotRequest& request) {
  auto fn = reinterpret_cast<int (*)(const PlotRequest*)>(engine_symbol("cvm_engine_plot"));
  return fn(&request);
}

int call_engine_repl(const ReplRequest& request) {
  auto fn = reinterpret_cast<int (*)(const ReplRequest*)>(engine_symbol("cvm_engine_repl"));
  return fn(&request);
}

int call_engine_fit(const FitRequest& request) {
  auto fn = reinterpret_cast<int (*)(const FitRequest*)>(engine_symbol("cvm_engine_fit"));
  return fn(&request);
}

}  // namespace cvm
