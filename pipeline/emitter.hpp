// Emitter: what a source and every stage push changes into. Thread: pipeline.
#pragma once

#include "pipeline/model/change_event.hpp"
#include "pipeline/model/schema_change.hpp"

namespace starcdc {

class Emitter {
 public:
  virtual ~Emitter() = default;
  // `e` and the values it points to are valid only during the call.
  virtual void event(const ChangeEvent& e) = 0;
  // A schema change is a barrier: everything emitted before it is committed before it is applied.
  virtual void schema_change(const SchemaChange& c) = 0;
};

}  // namespace starcdc
