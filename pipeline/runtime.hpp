// Runtime: builds the chain (source → table filter → route → batcher → hand-off → coordinator
// → sink) and owns both threads. Pipeline thread: source I/O, decoding, stages, encoding.
// Control thread (the caller's): sink, checkpoints, state store, and whatever the daemon adds
// (admin server, signals, watchdog) on control().
//
// A transient failure (Error kind Transient: StarRocks unreachable past the retries, the outcome
// of a load unknown, a recorded transaction lost) does not end the process: the pipeline is torn
// down and started again from the last checkpoint after a backoff (1 s doubling to 60 s, reset
// by a committed checkpoint), as a Flink job restarts from its checkpoint. Other failures stop
// the process with their exit code.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/pipeline_file.hpp"
#include "pipeline/checkpoint/checkpoint_record.hpp"
#include "pipeline/common/asio.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/registry.hpp"

namespace starcdc {

class StateStore;

enum class RuntimeState : uint8_t {
  Starting,
  Recovering,
  Running,
  Restarting,
  Stopping,
  Stopped,
  Failed
};
const char* runtime_state_name(RuntimeState s);

class Runtime {
 public:
  Runtime(const config::PipelineFile& file, const ConnectorRegistry& registry);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  asio::io_context& control() { return control_; }

  // Called on the control thread: once, after the first recovery (the daemon sends READY=1),
  // and after each committed epoch.
  void set_on_ready(std::function<void()> f) { on_ready_ = std::move(f); }
  void set_on_checkpoint(std::function<void(const CheckpointRecord&)> f) {
    on_checkpoint_ = std::move(f);
  }

  // Runs until the source ends, a stop completes, or a failure that is not transient; returns
  // the exit code.
  int run();
  // Thread: any. Finish the current transaction, commit a final checkpoint, stop.
  void request_stop();
  // Thread: control. Stops at once with `code` (state stays consistent: nothing is committed
  // past what is recorded).
  void abort(int code, const std::string& why);

  // Thread: control.
  RuntimeState state() const { return state_; }
  const std::optional<CheckpointRecord>& last_checkpoint() const { return last_record_; }
  uint64_t buffered_bytes() const;
  uint64_t restarts() const { return restarts_; }
  const std::string& pipeline() const { return file_.name; }

 private:
  struct Attempt;  // what one run of the pipeline owns

  void start_attempt();
  asio::awaitable<void> control_main(Attempt& a);
  asio::awaitable<void> pipeline_main(Attempt& a);
  void pipeline_failed(Attempt& a, std::exception_ptr e);
  void control_done(Attempt& a, std::exception_ptr e);
  void end_attempt();
  void finish(int code);
  // Thread: control. A sink rate limit was hit: widen the checkpoint interval (fewer, larger
  // transactions); after a quiet minute it narrows again, one halving per committed epoch.
  void slow_down();
  void maybe_speed_up();

  const config::PipelineFile& file_;
  const ConnectorRegistry& registry_;
  asio::io_context control_{1};
  asio::steady_timer restart_timer_{control_};
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<Attempt> attempt_;
  std::optional<CheckpointRecord> last_record_;

  std::function<void()> on_ready_;
  std::function<void(const CheckpointRecord&)> on_checkpoint_;
  std::atomic<bool> stop_requested_{false};
  RuntimeState state_ = RuntimeState::Starting;
  bool ready_sent_ = false;
  int consecutive_failures_ = 0;
  // The checkpoint interval is checkpoint.interval times this (read by the pipeline thread).
  std::atomic<uint32_t> pace_{1};
  std::chrono::steady_clock::time_point paced_at_{};
  uint64_t restarts_ = 0;
  int exit_code_ = 0;
  bool finished_ = false;
};

}  // namespace starcdc
