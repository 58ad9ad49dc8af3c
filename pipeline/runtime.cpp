#include "pipeline/runtime.hpp"

#include <chrono>
#include <thread>

#include "pipeline/batcher.hpp"
#include "pipeline/checkpoint/coordinator.hpp"
#include "pipeline/checkpoint/state_store.hpp"
#include "pipeline/common/assert.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"
#include "pipeline/handoff_queue.hpp"
#include "pipeline/stages/route_stage.hpp"
#include "pipeline/stages/schema_stage.hpp"
#include "pipeline/stages/table_filter_stage.hpp"
#include "pipeline/stages/transform_stage.hpp"

namespace starcdc {
namespace {

constexpr std::string_view kComponent = "pipeline.runtime";
constexpr uint64_t kMinPollEvents = 16;
constexpr uint64_t kMaxPollEvents = 4096;

std::vector<config::TablePattern> patterns(const config::OptionValues& o, const std::string& key) {
  std::vector<config::TablePattern> out;
  if (!o.has(key)) {
    return out;
  }
  for (const auto& text : o.get_list(key)) {
    std::string error;
    auto p = config::TablePattern::parse(text, &error);
    STARCDC_CHECK(p.has_value(), "table pattern not validated by the config loader");
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace

const char* runtime_state_name(RuntimeState s) {
  switch (s) {
    case RuntimeState::Starting:
      return "starting";
    case RuntimeState::Recovering:
      return "recovering";
    case RuntimeState::Running:
      return "running";
    case RuntimeState::Restarting:
      return "restarting";
    case RuntimeState::Stopping:
      return "stopping";
    case RuntimeState::Stopped:
      return "stopped";
    case RuntimeState::Failed:
      return "failed";
  }
  return "starting";
}

struct Runtime::Attempt {
  asio::io_context pipeline{1};  // first: everything below may hold handlers on it
  std::thread thread;
  SchemaRegistry schemas;
  std::unique_ptr<Sink> sink;
  std::unique_ptr<Source> source;
  std::unique_ptr<HandoffQueue> queue;
  std::unique_ptr<Batcher> batcher;
  std::unique_ptr<SchemaStage> schema;
  std::unique_ptr<RouteStage> route;
  std::unique_ptr<TransformStage> transform;
  std::unique_ptr<TableFilterStage> filter;
  std::unique_ptr<CheckpointCoordinator> coordinator;
  std::exception_ptr failure;  // the first failure of either thread

  void stop_thread() {
    pipeline.stop();
    if (thread.joinable()) {
      thread.join();
    }
  }
  ~Attempt() { stop_thread(); }
};

Runtime::Runtime(const config::PipelineFile& file, const ConnectorRegistry& registry)
    : file_(file), registry_(registry) {}

Runtime::~Runtime() = default;

uint64_t Runtime::buffered_bytes() const {
  return attempt_ && attempt_->queue ? attempt_->queue->bytes() : 0;
}

int Runtime::run() {
  try {
    store_ = std::make_unique<StateStore>(file_.state_dir, file_.name);
    store_->open_exclusive();
    last_record_ = store_->load().take();
  } catch (const Error& e) {
    log::error(kComponent, "Cannot start the pipeline.",
               {{"error", std::string_view(e.what())},
                {"where", std::string_view(e.where())},
                {"hint", std::string_view(e.hint())}});
    return exit_code_for(e.kind());
  }
  start_attempt();
  if (!finished_) {
    control_.run();
  }
  attempt_.reset();
  return exit_code_;
}

void Runtime::start_attempt() {
  auto a = std::make_unique<Attempt>();
  try {
    // The record on disk, not the last one this process saw committed: a failed attempt may
    // have passed the commit point of an epoch it then could not commit.
    last_record_ = store_->load().take();
    const SinkFactory* sink_factory = registry_.sink(file_.sink.type);
    const SourceFactory* source_factory = registry_.source(file_.source.type);
    STARCDC_CHECK(sink_factory != nullptr && source_factory != nullptr,
                  "connector type not validated by the config loader");
    a->sink = sink_factory->create(SinkContext{file_.name, control_}, file_.sink.options);
    a->source = source_factory->create(SourceContext{file_.name, a->schemas, a->pipeline},
                                       file_.source.options);
    a->queue = std::make_unique<HandoffQueue>(a->pipeline, control_,
                                              file_.pipeline.get_bytes("buffer.max-bytes"));
    a->coordinator = std::make_unique<CheckpointCoordinator>(a->sink->committer(), *store_,
                                                             *a->queue, file_.name, last_record_);
    a->batcher = std::make_unique<Batcher>(*a->sink, *a->queue, a->coordinator->next_epoch(),
                                           a->coordinator->resume_position().value_or(Position()));
    const auto mode = file_.pipeline.get_string("route-mode") == "FIRST_MATCH"
                          ? RouteMode::FirstMatch
                          : RouteMode::AllMatch;
    const SchemaBehavior behavior =
        schema_behavior_from(file_.pipeline.get_string("schema.change.behavior"))
            .value_or(SchemaBehavior::Lenient);
    const auto list = [&](const char* key) {
      return file_.sink.options.has(key) ? file_.sink.options.get_list(key)
                                         : std::vector<std::string>();
    };
    a->schema = std::make_unique<SchemaStage>(
        *a->batcher, behavior,
        allowed_schema_changes(behavior, list("include.schema.changes"),
                               list("exclude.schema.changes"),
                               file_.sink.options.has("exclude.schema.changes")));
    if (last_record_) {
      for (const auto& [table, s] : last_record_->schemas) {
        a->schema->restore(table, s.version, s.columns, s.primary_key);
      }
    }
    a->route = std::make_unique<RouteStage>(*a->schema, RouteStage::rules_from(file_.routes), mode);
    a->transform =
        std::make_unique<TransformStage>(*a->route, TransformStage::rules_from(file_.transforms));
    a->filter =
        std::make_unique<TableFilterStage>(*a->transform, patterns(file_.source.options, "tables"),
                                           patterns(file_.source.options, "tables.exclude"));
  } catch (const Error& e) {
    log::error(kComponent, "Cannot start the pipeline.",
               {{"error", std::string_view(e.what())},
                {"where", std::string_view(e.where())},
                {"hint", std::string_view(e.hint())}});
    finish(exit_code_for(e.kind()));
    return;
  } catch (const std::exception& e) {
    log::error(kComponent, "Cannot start the pipeline.", {{"error", std::string_view(e.what())}});
    finish(1);
    return;
  }
  attempt_ = std::move(a);
  Attempt& attempt = *attempt_;
  asio::co_spawn(control_, control_main(attempt),
                 [this, &attempt](std::exception_ptr e) { control_done(attempt, e); });
}

asio::awaitable<void> Runtime::control_main(Attempt& a) {
  state_ = RuntimeState::Recovering;
  co_await a.coordinator->recover();
  last_record_ = a.coordinator->last();
  a.coordinator->set_on_committed([this, &a](const Position& p) {
    last_record_ = a.coordinator->last();
    consecutive_failures_ = 0;
    maybe_speed_up();
    if (on_checkpoint_ && last_record_) {
      on_checkpoint_(*last_record_);
    }
    asio::post(a.pipeline, [&a, p] { a.source->on_committed(p); });
  });

  // The pipeline thread starts only after recovery: the sink is settled, the position known.
  asio::co_spawn(a.pipeline, pipeline_main(a), [this, &a](std::exception_ptr e) {
    if (e) {
      asio::post(control_, [this, &a, e] { pipeline_failed(a, e); });
    }
  });
  a.thread = std::thread([&a] {
    auto guard = asio::make_work_guard(a.pipeline);
    a.pipeline.run();
  });
  state_ = stop_requested_ ? RuntimeState::Stopping : RuntimeState::Running;
  log::info(kComponent, "Pipeline running.",
            {{"epoch", a.coordinator->next_epoch()},
             {"state_dir", std::string_view(file_.state_dir)},
             {"restarts", restarts_}});
  if (on_ready_ && !ready_sent_) {
    ready_sent_ = true;
    on_ready_();
  }
  co_await a.coordinator->run();
}

asio::awaitable<void> Runtime::pipeline_main(Attempt& a) {
  const std::optional<Position> resume = a.coordinator->resume_position();
  co_await a.source->open(resume);
  Emitter& head = *a.filter;
  Position last_boundary = resume.value_or(Position());
  bool at_boundary = true;
  const auto base_interval = file_.pipeline.get_duration("checkpoint.interval");
  auto epoch_start = std::chrono::steady_clock::now();
  const uint64_t budget = a.queue->budget_bytes();
  uint64_t encoded_events = 0;
  auto& events_total =
      Metrics::global().counter("starcdc_source_events_total", "Change events read.");

  for (;;) {
    if (stop_requested_.load(std::memory_order_relaxed) && at_boundary) {
      a.batcher->cut(last_boundary, true);
      break;
    }
    // Size the poll so the budget holds afterwards: the room left divided by the mean encoded
    // size of an event so far. With less room than a minimal poll, wait for the sink.
    uint64_t held = a.queue->bytes() + a.batcher->open_bytes();
    const uint64_t mean = encoded_events == 0
                              ? 256
                              : std::max<uint64_t>(1, a.batcher->encoded_bytes() / encoded_events);
    if (held + kMinPollEvents * mean >= budget) {
      co_await a.queue->wait_below_low_watermark();
      held = a.queue->bytes() + a.batcher->open_bytes();
    }
    const uint64_t room = budget > held ? budget - held : 0;
    const uint64_t max_events = std::clamp<uint64_t>(room / mean, kMinPollEvents, kMaxPollEvents);
    const uint64_t before = a.batcher->events_in_epoch();
    const uint64_t epoch_before = a.batcher->epoch();
    // Handlers posted to this thread (Source::on_committed) run between polls, also for a
    // source whose poll waits inside a client library instead of suspending.
    co_await asio::post(a.pipeline, asio::use_awaitable);
    PollResult r = co_await a.source->poll(head, max_events);
    if (a.batcher->epoch() == epoch_before) {
      const uint64_t n = a.batcher->events_in_epoch() - before;
      events_total.add(n);
      encoded_events += n;
    }
    if (r.boundary) {
      last_boundary = std::move(*r.boundary);
      at_boundary = true;
    } else if (r.status == PollStatus::Progress) {
      at_boundary = false;
    }
    if (r.status == PollStatus::EndOfInput) {
      STARCDC_CHECK(at_boundary, "a source ended inside a transaction");
      a.batcher->cut(last_boundary, true);
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (at_boundary &&
        (r.checkpoint_now ||
         now - epoch_start >= base_interval * pace_.load(std::memory_order_relaxed))) {
      a.batcher->cut(last_boundary, false);
      epoch_start = now;
    }
  }
  co_await a.source->close();
}

void Runtime::request_stop() {
  if (!stop_requested_.exchange(true)) {
    asio::post(control_, [this] {
      log::info(kComponent, "Stopping: finishing the current transaction and checkpoint.");
      if (!attempt_ || state_ == RuntimeState::Restarting) {
        finish(0);  // between attempts: nothing in flight, the checkpoint stands
        return;
      }
      if (state_ == RuntimeState::Running || state_ == RuntimeState::Recovering) {
        state_ = RuntimeState::Stopping;
      }
    });
  }
}

void Runtime::pipeline_failed(Attempt& a, std::exception_ptr e) {
  if (attempt_.get() != &a || a.failure) {
    return;
  }
  a.failure = e;
  // The coordinator waits in the queue (or finishes the request at hand, then does): closing
  // it ends the control side of the attempt, whose completion decides what happens next.
  a.queue->close();
  a.pipeline.stop();
}

void Runtime::control_done(Attempt& a, std::exception_ptr e) {
  if (finished_ || attempt_.get() != &a) {
    return;
  }
  std::exception_ptr failure = a.failure ? a.failure : e;
  if (failure && !a.failure) {
    // Failed on this side: a late failure posted by the pipeline thread must see it and do
    // nothing (the queue is closed here, before anything is torn down).
    a.failure = failure;
    a.queue->close();
  }
  if (!failure) {
    state_ = RuntimeState::Stopped;
    log::info(kComponent, "Pipeline stopped after its final checkpoint.",
              {{"epoch", last_record_ ? last_record_->epoch : 0}});
    finish(0);
    return;
  }
  int code = 1;
  bool transient = false;
  std::string message;
  try {
    std::rethrow_exception(failure);
  } catch (const Error& err) {
    code = exit_code_for(err.kind());
    transient = err.kind() == ErrorKind::Transient || err.kind() == ErrorKind::Overloaded;
    if (err.kind() == ErrorKind::Overloaded) {
      slow_down();
    }
    message = err.what();
    if (transient && !stop_requested_) {
      log::warn(kComponent, "Pipeline failed; restarting from the last checkpoint.",
                {{"error", std::string_view(err.what())},
                 {"where", std::string_view(err.where())},
                 {"hint", std::string_view(err.hint())}});
    } else {
      log::error(kComponent, "Pipeline failed; stopping before any checkpoint past the error.",
                 {{"error", std::string_view(err.what())},
                  {"kind", error_kind_name(err.kind())},
                  {"where", std::string_view(err.where())},
                  {"hint", std::string_view(err.hint())}});
    }
  } catch (const std::exception& err) {
    log::error(kComponent, "Pipeline failed; stopping before any checkpoint past the error.",
               {{"error", std::string_view(err.what())}, {"kind", "internal"}});
  }
  a.stop_thread();
  if (!transient || stop_requested_) {
    state_ = RuntimeState::Failed;
    finish(code);
    return;
  }
  // Tear the attempt down after whatever it posted to this thread has run, then start again.
  state_ = RuntimeState::Restarting;
  ++restarts_;
  static auto& restarts = Metrics::global().counter(
      "starcdc_pipeline_restarts_total", "Restarts of the pipeline from its last checkpoint.");
  restarts.add();
  const auto wait = std::chrono::seconds(1LL << std::min(consecutive_failures_++, 6));
  asio::post(control_, [this, wait] {
    end_attempt();
    restart_timer_.expires_after(
        std::min<std::chrono::steady_clock::duration>(wait, std::chrono::seconds(60)));
    restart_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !finished_) {
        start_attempt();
      }
    });
  });
}

void Runtime::end_attempt() { attempt_.reset(); }

namespace {

constexpr uint32_t kMaxPace = 64;
constexpr auto kQuietBeforeSpeedUp = std::chrono::seconds(60);

Gauge& pace_gauge() {
  static auto& g = Metrics::global().gauge(
      "starcdc_pipeline_checkpoint_interval_seconds",
      "The checkpoint interval in use: checkpoint.interval, widened while the sink reports a "
      "rate limit.");
  return g;
}

}  // namespace

void Runtime::slow_down() {
  const uint32_t pace = std::min(pace_.load() * 2, kMaxPace);
  pace_.store(pace);
  paced_at_ = std::chrono::steady_clock::now();
  const auto interval = file_.pipeline.get_duration("checkpoint.interval") * pace;
  pace_gauge().set(std::chrono::duration<double>(interval).count());
  log::warn(kComponent,
            "The sink is over a rate limit; widening the checkpoint interval so each table gets "
            "fewer, larger transactions.",
            {{"checkpoint_interval_ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(interval).count()},
             {"factor", pace}});
}

void Runtime::maybe_speed_up() {
  const uint32_t pace = pace_.load();
  const auto now = std::chrono::steady_clock::now();
  if (pace <= 1 || now - paced_at_ < kQuietBeforeSpeedUp) {
    return;
  }
  pace_.store(pace / 2);
  paced_at_ = now;
  const auto interval = file_.pipeline.get_duration("checkpoint.interval") * (pace / 2);
  pace_gauge().set(std::chrono::duration<double>(interval).count());
  log::info(kComponent, "No rate limit for a minute; narrowing the checkpoint interval.",
            {{"checkpoint_interval_ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(interval).count()},
             {"factor", pace / 2}});
}

void Runtime::abort(int code, const std::string& why) {
  log::error(kComponent, "Stopping at once.", {{"error", std::string_view(why)}});
  state_ = RuntimeState::Failed;
  finish(code);
}

void Runtime::finish(int code) {
  if (finished_) {
    return;
  }
  finished_ = true;
  exit_code_ = code;
  restart_timer_.cancel();
  if (attempt_) {
    if (attempt_->queue) {
      attempt_->queue->close();
    }
    attempt_->pipeline.stop();
  }
  control_.stop();
}

}  // namespace starcdc
