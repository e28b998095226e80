// Placeholder: replaced by the verb.
#include <iostream>

#include "cli/verbs.h"
#include "interpreter/engine_api.h"

namespace cvm {

int cmd_impulse(const VerbArgs&) {
  std::cerr << "cvm impulse: not built yet\n";
  return kExitInternal;
}

int cmd_plot(const VerbArgs&) {
  std::cerr << "cvm plot: not built yet\n";
  return kExitInternal;
}

}  // namespace cvm
