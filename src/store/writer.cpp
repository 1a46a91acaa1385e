#include "store/writer.hpp"

#include <spdlog/spdlog.h>

namespace steritrack::store {

Writer::Writer(const std::string& path, Options options, ExternalChange on_external_change)
    : options_(options), on_external_change_(std::move(on_external_change)), db_(path, OpenMode::read_write) {
  thread_ = std::thread([this] { run(); });
}

Writer::~Writer() { stop(); }

void Writer::submit(Job job, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      if (done) done(std::make_exception_ptr(std::runtime_error("database writer is stopping")));
      return;
    }
    queue_.push_back({std::move(job), std::move(done)});
  }
  wake_.notify_one();
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t Writer::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::run() {
  std::int64_t seen_version = db_.data_version();
  for (;;) {
    std::deque<Item> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.external_poll, [this] { return stopping_ || !queue_.empty(); });
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (batch.empty() && stopping_) return;
    }
    if (!batch.empty()) run_batch(batch);
    // data_version moves only for commits by other connections.
    if (on_external_change_) {
      try {
        const std::int64_t v = db_.data_version();
        if (v != seen_version) {
          seen_version = v;
          on_external_change_();
        }
      } catch (const std::exception& e) {
        spdlog::error("db.poll_failed error=\"{}\"", e.what());
      }
    }
  }
}

void Writer::run_batch(std::deque<Item>& batch) {
  std::vector<std::exception_ptr> results(batch.size());
  std::exception_ptr commit_error;
  try {
    Transaction tx(db_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Savepoint sp(db_);
      try {
        batch[i].job(db_);
        sp.release();
      } catch (...) {
        results[i] = std::current_exception();
      }
    }
    tx.commit();
  } catch (...) {
    commit_error = std::current_exception();
    spdlog::error("db.commit_failed jobs={}", batch.size());
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    try {
      batch[i].done(commit_error ? commit_error : results[i]);
    } catch (const std::exception& e) {
      spdlog::error("db.completion_failed error=\"{}\"", e.what());
    }
  }
}

}  // namespace steritrack::store
