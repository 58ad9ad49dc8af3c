// Runtime: builds the chain (source → table filter → route → batcher → hand-off → coordinator
// → sink) and owns both threads. Pipeline thread: source I/O, decoding, stages, encoding.
// Control thread (the caller's): sink, checkpoints, state store, and whatever the daemon adds
// (admin server, signals, watchdog) on control().
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "config/pipeline_file.hpp"
#include "pipeline/checkpoint/checkpoint_record.hpp"
#include "pipeline/common/asio.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/registry.hpp"

namespace starcdc {

class Batcher;
class CheckpointCoordinator;
class HandoffQueue;
class StateStore;
class TableFilterStage;
class RouteStage;

enum class RuntimeState : uint8_t { Starting, Recovering, Running, Stopping, Stopped, Failed };
const char* runtime_state_name(RuntimeState s);

class Runtime {
 public:
  Runtime(const config::PipelineFile& file, const ConnectorRegistry& registry);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  asio::io_context& control() { return control_; }

  // Called on the control thread: after recovery (the daemon sends READY=1) and after each
  // committed epoch.
  void set_on_ready(std::function<void()> f) { on_ready_ = std::move(f); }
  void set_on_checkpoint(std::function<void(const CheckpointRecord&)> f) {
    on_checkpoint_ = std::move(f);
  }

  // Runs until the source ends, a stop completes, or a failure; returns the exit code.
  int run();
  // Thread: any. Finish the current transaction, commit a final checkpoint, stop.
  void request_stop();
  // Thread: control. Stops at once with `code` (state stays consistent: nothing is committed
  // past what is recorded).
  void abort(int code, const std::string& why);

  // Thread: control.
  RuntimeState state() const { return state_; }
  const std::optional<CheckpointRecord>& last_checkpoint() const;
  uint64_t buffered_bytes() const;
  const std::string& pipeline() const { return file_.name; }

 private:
  asio::awaitable<void> control_main();
  asio::awaitable<void> pipeline_main();
  void fail(std::exception_ptr e);  // thread: control
  void finish(int code);            // thread: control

  const config::PipelineFile& file_;
  const ConnectorRegistry& registry_;
  asio::io_context control_{1};
  asio::io_context pipeline_{1};
  std::thread pipeline_thread_;

  SchemaRegistry schemas_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<HandoffQueue> queue_;
  std::unique_ptr<Batcher> batcher_;
  std::unique_ptr<RouteStage> route_;
  std::unique_ptr<TableFilterStage> filter_;
  std::unique_ptr<CheckpointCoordinator> coordinator_;

  std::function<void()> on_ready_;
  std::function<void(const CheckpointRecord&)> on_checkpoint_;
  std::atomic<bool> stop_requested_{false};
  RuntimeState state_ = RuntimeState::Starting;
  int exit_code_ = 0;
  bool finished_ = false;
};

}  // namespace starcdc
