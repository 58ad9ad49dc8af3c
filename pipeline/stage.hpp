// Stage: takes an event, forwards zero or more. Runs inline on the pipeline thread.
#pragma once

#include "pipeline/emitter.hpp"

namespace starcdc {

class Stage : public Emitter {
 protected:
  explicit Stage(Emitter& next) : next_(next) {}
  Emitter& next_;
};

}  // namespace starcdc
