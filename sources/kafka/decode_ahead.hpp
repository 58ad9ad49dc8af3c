// DecodeAhead: decodes Kafka messages on worker threads of its own while the pipeline thread
// applies the batch before them, so JSON parsing (the largest cost per message) runs beside the
// stages and the sink encoder instead of before them. Batches are taken in the order they were
// submitted, whichever worker decoded them. Each message of a batch has a decoder of its own,
// so a decoded message stays valid until its batch is released. kSlots batches: one being
// applied, the others decoded, being decoded or queued, so a worker seldom waits for the owner
// while there are messages. The workers touch only the messages and their slot's decoders: they
// own no pipeline state and call librdkafka only for the (immutable) topic name.
// Thread: every method on the owner's thread (the pipeline thread); the workers are internal.
#pragma once

#include <librdkafka/rdkafka.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "pipeline/common/error.hpp"
#include "sources/kafka/formats/message.hpp"

namespace starcdc::kafka {

class DecodeAhead {
 public:
  static constexpr size_t kBatch = 256;
  static constexpr size_t kSlots = 4;

  struct Item {
    rd_kafka_message_t* message = nullptr;  // owned by the batch
    uint64_t stamp = 0;                     // the caller's, given to add()
    // Set when the message decoded (not when message->err is set, or when `error` is).
    const DecodedMessage* decoded = nullptr;
    std::optional<Error> error;  // the decoder refused the message (bad input)
    std::exception_ptr failure;  // the decoder failed otherwise (out of memory): stop
  };

  using DecoderFactory = std::function<std::unique_ptr<MessageDecoder>()>;

  // `threads` workers (at least 1).
  DecodeAhead(DecoderFactory make, unsigned threads);
  ~DecodeAhead();  // stops the workers; destroys the messages still held
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;

  // The batch being filled has room: fewer than kBatch messages, and a free slot.
  bool can_add() const;
  // Takes ownership of `m` (a message or an error from the consumer) into the batch being
  // filled. Requires can_add().
  void add(rd_kafka_message_t* m, uint64_t stamp);
  // Hands the batch being filled to the workers (nothing when it is empty).
  void submit();
  // A submitted batch not yet released.
  bool pending() const { return submitted_ > released_; }
  // Waits for the oldest submitted batch to be decoded and returns its items, valid until
  // release(). Requires pending() and no batch taken.
  std::span<Item> take();
  // Destroys the taken batch's messages; its slot is free for the next batch.
  void release();
  // Waits for the workers, then destroys every message held (filled, submitted or taken).
  void clear();

 private:
  struct Slot {
    std::vector<Item> items;
    std::vector<std::unique_ptr<MessageDecoder>> decoders;  // grown by the worker decoding it
    bool decoded = false;                                   // guarded by mu_
  };

  void work();
  void decode(Slot& s);
  static void destroy(Slot& s);

  DecoderFactory make_;
  std::array<Slot, kSlots> slots_;
  // Batch sequence numbers (slot = number % kSlots). submitted_ is written by the owner under
  // mu_; claimed_ (the next batch a worker takes up) and busy_ under mu_; released_ and taken_
  // by the owner alone.
  uint64_t submitted_ = 0;
  uint64_t claimed_ = 0;
  uint64_t released_ = 0;
  unsigned busy_ = 0;  // workers decoding
  bool taken_ = false;
  bool stop_ = false;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // workers wait: submitted_ > claimed_, or stop_
  std::condition_variable done_cv_;  // the owner waits: a slot decoded, or the workers idle
  std::vector<std::thread> workers_;
};

}  // namespace starcdc::kafka
