#include "interpreter/runtime/interrupt.h"

namespace cvm::interp {
namespace {

volatile std::sig_atomic_t g_raised = 0;

void on_sigint(int) { g_raised = 1; }

}  // namespace

SigintFlag::SigintFlag() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads of data files go on; the run stops at the next chunk
  sigaction(SIGINT, &action, &previous_);
}

SigintFlag::~SigintFlag() { sigaction(SIGINT, &previous_, nullptr); }

bool SigintFlag::raised() { return g_raised != 0; }

void SigintFlag::clear() { g_raised = 0; }

}  // namespace cvm::interp
