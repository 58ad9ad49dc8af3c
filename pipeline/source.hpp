// Source: reads changes and positions. Thread: pipeline.
#pragma once

#include <optional>

#include "pipeline/common/asio.hpp"
#include "pipeline/emitter.hpp"
#include "pipeline/model/position.hpp"

namespace starcdc {

enum class PollStatus : uint8_t { Progress, Idle, EndOfInput };

// `boundary` is set when the last event emitted by this poll ended a source transaction: it is
// the position right after it, where a checkpoint may be placed. A poll that ends inside a
// transaction leaves it empty. Sources stop a poll at a transaction end when they can.
struct PollResult {
  PollStatus status = PollStatus::Progress;
  std::optional<Position> boundary;
  // End the epoch at `boundary` now, not at the next interval: the source waits for it to be
  // committed (a Kafka partition being handed to another daemon).
  bool checkpoint_now = false;
};

class Source {
 public:
  virtual ~Source() = default;
  // Starts reading right after `resume_after` (the last committed position), or at the
  // configured start when there is none.
  virtual asio::awaitable<void> open(std::optional<Position> resume_after) = 0;
  // Decodes what is buffered, else reads; when nothing arrives it waits at most about 100 ms and
  // returns Idle (so the runtime can end epochs on time). Emits about `max_events` events at
  // most (it may finish the transaction or row event at hand): the runtime sizes it so the
  // memory budget holds.
  virtual asio::awaitable<PollResult> poll(Emitter& out, uint64_t max_events) = 0;
  // Everything up to `p` is committed in the sink (e.g. Kafka commits offsets). Thread: pipeline,
  // between two polls.
  virtual void on_committed(const Position& p) = 0;
  virtual asio::awaitable<void> close() = 0;
};

}  // namespace starcdc
