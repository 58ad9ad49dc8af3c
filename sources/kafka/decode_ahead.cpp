#include "sources/kafka/decode_ahead.hpp"

#include <algorithm>

#include "pipeline/common/assert.hpp"

namespace starcdc::kafka {

DecodeAhead::DecodeAhead(DecoderFactory make, unsigned threads) : make_(std::move(make)) {
  for (Slot& s : slots_) {
    s.items.reserve(kBatch);
  }
  for (unsigned i = 0; i < std::max(1U, threads); ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

DecodeAhead::~DecodeAhead() {
  clear();
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) {
    t.join();
  }
}

bool DecodeAhead::can_add() const {
  return submitted_ - released_ < kSlots && slots_[submitted_ % kSlots].items.size() < kBatch;
}

void DecodeAhead::add(rd_kafka_message_t* m, uint64_t stamp) {
  STARCDC_CHECK(can_add(), "DecodeAhead::add without room");
  Item& it = slots_[submitted_ % kSlots].items.emplace_back();
  it.message = m;
  it.stamp = stamp;
}

void DecodeAhead::submit() {
  if (submitted_ - released_ >= kSlots || slots_[submitted_ % kSlots].items.empty()) {
    return;
  }
  {
    std::lock_guard lock(mu_);
    slots_[submitted_ % kSlots].decoded = false;
    ++submitted_;
  }
  work_cv_.notify_one();
}

std::span<DecodeAhead::Item> DecodeAhead::take() {
  STARCDC_CHECK(pending() && !taken_, "DecodeAhead::take without a batch to take");
  Slot& s = slots_[released_ % kSlots];
  {
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&s] { return s.decoded; });
  }
  taken_ = true;
  return s.items;
}

void DecodeAhead::release() {
  STARCDC_CHECK(taken_, "DecodeAhead::release without a batch taken");
  destroy(slots_[released_ % kSlots]);
  ++released_;
  taken_ = false;
}

void DecodeAhead::clear() {
  {
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [this] { return claimed_ == submitted_ && busy_ == 0; });
  }
  for (Slot& s : slots_) {
    destroy(s);
  }
  released_ = submitted_;
  taken_ = false;
}

void DecodeAhead::destroy(Slot& s) {
  for (Item& it : s.items) {
    rd_kafka_message_destroy(it.message);
  }
  s.items.clear();
}

void DecodeAhead::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stop_ || submitted_ > claimed_; });
    if (stop_) {
      return;
    }
    Slot& s = slots_[claimed_++ % kSlots];
    ++busy_;
    lock.unlock();
    decode(s);
    lock.lock();
    --busy_;
    s.decoded = true;
    // The owner waits for one slot (or for all to be idle): wake it whichever this was.
    done_cv_.notify_one();
  }
}

void DecodeAhead::decode(Slot& s) {
  for (size_t i = 0; i < s.items.size(); ++i) {
    Item& it = s.items[i];
    it.decoded = nullptr;
    it.error.reset();
    it.failure = nullptr;
    const rd_kafka_message_t* m = it.message;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      continue;  // the owner handles consumer errors in order
    }
    try {
      if (s.decoders.size() <= i) {
        s.decoders.push_back(make_());
      }
      auto r = s.decoders[i]->decode(rd_kafka_topic_name(m->rkt),
                                     std::string_view(static_cast<const char*>(m->key), m->key_len),
                                     std::span<char>(static_cast<char*>(m->payload), m->len));
      if (r.ok()) {
        it.decoded = r.value();
      } else {
        it.error = r.error();
      }
    } catch (const std::exception&) {
      // Not bad input: the owner rethrows it when it reaches this message, which stops the
      // pipeline there (nothing after it applied).
      it.failure = std::current_exception();
    }
  }
}

}  // namespace starcdc::kafka
