#pragma once
// The logging seam: the loop's only way to report to a person. Everything the loop logs
// (default exception handler, slow callbacks, debug messages) becomes a LogRecord for the
// "asyncio" logger and goes to the installed LogSink. Tests install a CapturingLogSink.
// The default sink writes WARNING and above to stderr, as Python's last-resort handler.

#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace aio {

enum class LogLevel { debug = 10, info = 20, warning = 30, error = 40, critical = 50 };

const char* level_name(LogLevel level) noexcept;

struct LogRecord {
  LogLevel level = LogLevel::error;
  std::string logger = "asyncio";
  std::string message;
  std::exception_ptr exc_info;  // the exception being reported, if any
};

// "ERROR:asyncio:message", then the exception as the last line of a traceback.
std::string format_log_record(const LogRecord& record);

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual bool enabled(LogLevel level) const = 0;
  virtual void emit(const LogRecord& record) = 0;
};

// Installs `sink` for the whole process (nullptr restores the stderr sink); returns the
// previous one. Thread-safe.
std::shared_ptr<LogSink> set_log_sink(std::shared_ptr<LogSink> sink);
std::shared_ptr<LogSink> get_log_sink();

// Sends a record to the current sink if it wants that level. Thread-safe; never throws.
void log(LogLevel level, std::string message, std::exception_ptr exc_info = {});
bool log_enabled(LogLevel level);

// Keeps every record at or above `level` in memory. Thread-safe.
class CapturingLogSink final : public LogSink {
 public:
  explicit CapturingLogSink(LogLevel level = LogLevel::debug) : level_(level) {}
  bool enabled(LogLevel level) const override { return level >= level_; }
  void emit(const LogRecord& record) override;
  std::vector<LogRecord> records() const;
  std::vector<std::string> messages() const;
  void clear();

 private:
  LogLevel level_;
  mutable std::mutex mutex_;
  std::vector<LogRecord> records_;
};

// Installs a sink for the lifetime of this object and restores the previous one after.
class ScopedLogSink {
 public:
  explicit ScopedLogSink(std::shared_ptr<LogSink> sink) : previous_(set_log_sink(std::move(sink))) {}
  ~ScopedLogSink() { set_log_sink(previous_); }
  ScopedLogSink(const ScopedLogSink&) = delete;
  ScopedLogSink& operator=(const ScopedLogSink&) = delete;

 private:
  std::shared_ptr<LogSink> previous_;
};

}  // namespace aio
