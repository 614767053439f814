#include "orchestrator/cli/stored_update.h"

#include "base/identifiers.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

Status store_and_wake(const Invocation& inv, const std::string& kind, const std::string& name,
                      const nlohmann::json& object) {
  PODCTL_ASSIGN_OR_RETURN(auto locked, open_locked_context(inv, false));
  PODCTL_TRY(put_object(locked.ctx.root, kind, object));
  ControllerRef ref{kind, inv.global.ns, name};
  wake_controller(locked.ctx.root, ref);
  return ensure_controller(locked.ctx, ref);
}

namespace {
const char* const kRestartedAt = "kubectl.kubernetes.io/restartedAt";
}  // namespace

Status restart_template(const Invocation& inv, const std::string& kind, nlohmann::json object) {
  std::string name = object["metadata"].value("name", "");
  object["spec"]["template"]["metadata"]["annotations"][kRestartedAt] = rfc3339_now();
  return store_and_wake(inv, kind, name, object);
}

void keep_omitted_fields(const nlohmann::json& stored, const manifest::PositionMap& written, nlohmann::json& applied) {
  if (!applied.contains("spec")) return;
  auto& spec = applied["spec"];
  // Without a `replicas` line the typed object says 1, the default; the live count stays instead
  // (kubectl's advice for autoscaled workloads: leave replicas out of the file).
  const auto live_replicas = "/spec/replicas"_json_pointer;
  if (!written.count("spec.replicas") && spec.contains("replicas") && stored.contains(live_replicas))
    spec["replicas"] = stored[live_replicas];
  const auto restarted = stored.value("/spec/template/metadata/annotations"_json_pointer, nlohmann::json::object());
  if (!restarted.contains(kRestartedAt) || !spec.contains("template")) return;
  auto& annotations = spec["template"]["metadata"]["annotations"];
  if (!annotations.is_object() || !annotations.contains(kRestartedAt)) annotations[kRestartedAt] = restarted[kRestartedAt];
}

}  // namespace podctl
