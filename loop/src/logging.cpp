// The logging seam: one process-wide sink, stderr by default (Python's last-resort handler).
#include "aio/logging.h"

#include <cstdio>

#include "aio/errors.h"

namespace aio {

namespace {

class StderrSink final : public LogSink {
 public:
  bool enabled(LogLevel level) const override { return level >= LogLevel::warning; }
  void emit(const LogRecord& record) override {
    std::string text = format_log_record(record);
    text += '\n';
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }

 private:
  std::mutex mutex_;
};

std::mutex sink_mutex;

std::shared_ptr<LogSink>& sink_slot() {
  static std::shared_ptr<LogSink> sink = std::make_shared<StderrSink>();
  return sink;
}

}  // namespace

const char* level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARNING";
    case LogLevel::error: return "ERROR";
    case LogLevel::critical: return "CRITICAL";
  }
  return "LEVEL";
}

std::string format_log_record(const LogRecord& record) {
  std::string text = std::string(level_name(record.level)) + ":" + record.logger + ":" + record.message;
  if (record.exc_info) text += "\n" + describe_exception(record.exc_info);
  return text;
}

std::shared_ptr<LogSink> set_log_sink(std::shared_ptr<LogSink> sink) {
  if (!sink) sink = std::make_shared<StderrSink>();
  std::lock_guard<std::mutex> lock(sink_mutex);
  std::swap(sink_slot(), sink);
  return sink;
}

std::shared_ptr<LogSink> get_log_sink() {
  std::lock_guard<std::mutex> lock(sink_mutex);
  return sink_slot();
}

bool log_enabled(LogLevel level) {
  std::shared_ptr<LogSink> sink = get_log_sink();
  return sink->enabled(level);
}

void log(LogLevel level, std::string message, std::exception_ptr exc_info) {
  try {
    std::shared_ptr<LogSink> sink = get_log_sink();
    if (!sink->enabled(level)) return;
    LogRecord record;
    record.level = level;
    record.message = std::move(message);
    record.exc_info = std::move(exc_info);
    sink->emit(record);
  } catch (...) {
    // Logging must never take the loop down.
  }
}

void CapturingLogSink::emit(const LogRecord& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  records_.push_back(record);
}

std::vector<LogRecord> CapturingLogSink::records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

std::vector<std::string> CapturingLogSink::messages() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const LogRecord& r : records_) out.push_back(r.message);
  return out;
}

void CapturingLogSink::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  records_.clear();
}

}  // namespace aio
