// podctl tests - a PodRuntime that records what the executor asks of it, in order, as readable
// lines ("start web #0", "signal web Graceful", "run_handler web Liveness"…), with a clock the
// test moves and failures the test arranges. The kubelet tests SyncPod against FakeRuntimeService
// the same way.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/supervisor/pod_runtime.h"

namespace podctl::test {

using supervisor::ContainerExit;
using supervisor::EventType;
using supervisor::HandlerKind;
using supervisor::HandlerOutcome;
using supervisor::StartFailure;
using supervisor::StartFailureKind;
using supervisor::StopSignal;

inline const char* handler_name(HandlerKind kind) {
  switch (kind) {
    case HandlerKind::Startup: return "Startup";
    case HandlerKind::Liveness: return "Liveness";
    case HandlerKind::Readiness: return "Readiness";
    case HandlerKind::PostStart: return "PostStart";
    case HandlerKind::PreStop: return "PreStop";
  }
  return "?";
}

class FakePodRuntime final : public supervisor::PodRuntime {
 public:
  explicit FakePodRuntime(std::vector<std::string> container_names) : names_(std::move(container_names)) {}

  // What the test arranges.
  plan::Millis clock = 1'000'000;
  std::set<std::string> images = {"busybox:1.35"};  // present in the "store"
  std::vector<std::string> start_steps;  // "begin a", "finish a": how starts interleave
  std::map<size_t, StartFailure> start_failures;    // the next start of that container fails so
  bool sandbox_fails = false;

  // What the executor did, in order; events separately.
  std::vector<std::string> calls;
  std::vector<std::string> events;  // "Warning BackOff: Back-off restarting failed container …"

  // The calls since the last look, and forget them.
  std::vector<std::string> take_calls() { return std::exchange(calls, {}); }
  bool has_event(const std::string& reason) const {
    for (const auto& e : events)
      if (e.find(" " + reason + ":") != std::string::npos) return true;
    return false;
  }

  plan::Millis now() const override { return clock; }
  std::string wall_clock() const override { return "2026-11-30T12:00:00Z"; }
  Status create_sandbox() override {
    calls.push_back("create_sandbox");
    if (sandbox_fails) return fail(make_error("no sandbox today"));
    return {};
  }
  Status teardown_sandbox() override {
    calls.push_back("teardown_sandbox");
    return {};
  }
  std::optional<Image> find_image(const std::string& reference) override {
    if (!images.count(reference)) return std::nullopt;
    Image image;
    image.reference = reference;
    image.id = "sha256:" + std::string(64, 'a');
    return image;
  }
  Status start_pull(size_t i, const std::string& reference) override {
    calls.push_back("pull " + names_[i] + " " + reference);
    return {};
  }
  std::expected<void, StartFailure> begin_container(size_t i, const manifest::Pod&, const Image&, int run) override {
    calls.push_back("start " + names_[i] + " #" + std::to_string(run));
    start_steps.push_back("begin " + names_[i]);
    begun_runs_[i] = run;
    if (auto f = start_failures.find(i); f != start_failures.end()) {
      StartFailure failure = f->second;
      start_failures.erase(f);
      // The child's own failure (exec) is known when the start finishes; the others before it.
      if (failure.kind == StartFailureKind::Exec)
        failed_exec_[i] = failure;
      else
        return std::unexpected(failure);
    }
    return {};
  }
  std::expected<std::string, StartFailure> finish_container(size_t i) override {
    start_steps.push_back("finish " + names_[i]);
    if (auto f = failed_exec_.find(i); f != failed_exec_.end()) {
      StartFailure failure = f->second;
      failed_exec_.erase(f);
      return std::unexpected(failure);
    }
    return "id-" + names_[i] + "-" + std::to_string(begun_runs_[i]);
  }
  Status signal(size_t i, StopSignal signal) override {
    calls.push_back("signal " + names_[i] + (signal == StopSignal::Kill ? " Kill" : " Graceful"));
    return {};
  }
  ContainerExit kill_now(size_t i) override {
    calls.push_back("kill_now " + names_[i]);
    return {137, false};
  }
  Status run_handler(size_t i, const manifest::Container&, HandlerKind kind, const manifest::Handler&,
                     std::optional<plan::Millis>) override {
    calls.push_back("run_handler " + names_[i] + " " + handler_name(kind));
    return {};
  }
  HandlerOutcome expire_handler(size_t i, HandlerKind kind) override {
    calls.push_back("expire_handler " + names_[i] + " " + handler_name(kind));
    return {plan::ProbeResult::Failure, "timed out"};
  }
  void cancel_handlers(size_t) override {}
  void record_event(EventType type, const std::string& reason, const std::string& message,
                    const std::string&) override {
    events.push_back(std::string(type == EventType::Warning ? "Warning " : "Normal ") + reason + ": " + message);
  }

 private:
  std::vector<std::string> names_;
  std::map<size_t, int> begun_runs_;
  std::map<size_t, StartFailure> failed_exec_;
};

}  // namespace podctl::test
