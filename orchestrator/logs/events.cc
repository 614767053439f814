#include "orchestrator/logs/events.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/unique_fd.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

void EventLog::add(const std::string& type, const std::string& reason, const std::string& message,
                   const std::string& object) const {
  nlohmann::json e{{"type", type}, {"reason", reason}, {"message", message}, {"time", rfc3339_now()}};
  if (!object.empty()) e["object"] = object;
  std::string line = json_text(e) + "\n";
  // O_APPEND writes of one line are atomic for readers; a lost event is not worth failing for.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd) (void)!::write(fd.get(), line.data(), line.size());
}

}  // namespace podctl
