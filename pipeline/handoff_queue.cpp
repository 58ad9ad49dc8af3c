#include "pipeline/handoff_queue.hpp"

#include <boost/system/system_error.hpp>

namespace starcdc {

HandoffQueue::HandoffQueue(asio::io_context& producer, asio::io_context& consumer,
                           uint64_t budget_bytes)
    : producer_(producer),
      consumer_(consumer),
      budget_bytes_(budget_bytes),
      producer_timer_(producer),
      consumer_timer_(consumer) {}

void HandoffQueue::push(HandoffItem item) {
  std::lock_guard lock(mu_);
  if (const auto* chunk = std::get_if<LoadChunk>(&item)) {
    bytes_ += chunk->bytes.size();
  }
  items_.push_back(std::move(item));
  if (consumer_waiting_) {
    consumer_waiting_ = false;
    // Cancelled on the consumer's own thread: the timer belongs to it.
    asio::post(consumer_, [this] { consumer_timer_.cancel(); });
  }
}

uint64_t HandoffQueue::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

asio::awaitable<void> HandoffQueue::wait_below_low_watermark() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (bytes_ < budget_bytes_ / 2 || closed_) {
        co_return;
      }
      producer_waiting_ = true;
    }
    producer_timer_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await producer_timer_.async_wait(
        asio::redirect_error(asio::use_awaitable, ec));  // cancelled = woken
  }
}

void HandoffQueue::wake_producer_locked() {
  if (producer_waiting_ && (bytes_ < budget_bytes_ / 2 || closed_)) {
    producer_waiting_ = false;
    asio::post(producer_, [this] { producer_timer_.cancel(); });
  }
}

asio::awaitable<HandoffItem> HandoffQueue::pop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (closed_) {
        throw boost::system::system_error(asio::error::operation_aborted);
      }
      if (!items_.empty()) {
        HandoffItem item = std::move(items_.front());
        items_.pop_front();
        co_return item;
      }
      consumer_waiting_ = true;
    }
    consumer_timer_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await consumer_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void HandoffQueue::release(ByteBuffer buffer) {
  std::lock_guard lock(mu_);
  bytes_ -= buffer.size();
  buffer.clear();
  if (free_bytes_ + buffer.capacity() <= budget_bytes_ / 2) {
    free_bytes_ += buffer.capacity();
    free_.push_back(std::move(buffer));
  }
  wake_producer_locked();
}

ByteBuffer HandoffQueue::take_buffer(uint64_t capacity_bytes) {
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      ByteBuffer b = std::move(free_.back());
      free_.pop_back();
      free_bytes_ -= b.capacity();
      b.reserve(capacity_bytes);
      return b;
    }
  }
  return ByteBuffer(capacity_bytes);
}

void HandoffQueue::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  asio::post(consumer_, [this] { consumer_timer_.cancel(); });
  asio::post(producer_, [this] { producer_timer_.cancel(); });
}

}  // namespace starcdc
