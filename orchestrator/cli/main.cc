// podctl - runs Kubernetes Pods on one Linux machine. Exceptions from libraries stop here.
#include <iostream>

#include "orchestrator/cli/invocation.h"
#include "orchestrator/cli/verbs.h"

int main(int argc, char** argv) {
  using namespace podctl;
  const std::vector<Verb> verbs = {
      {"apply", "apply -f FILE|DIR|- [--dry-run]", "create or update the objects of manifests (pods, workloads, services, configmaps, secrets…)",
       apply_options, cmd_apply},
      {"diff", "diff -f FILE|DIR|-", "show what apply would change (exit 1 when something would)", diff_options,
       cmd_diff},
      {"get", "get TYPE [NAME…] [-o wide|json|yaml|name] [-A]", "list objects", get_options,
       cmd_get},
      {"run", "run -f FILE|DIR [--timeout D] [--keep]",
       "run a CI job: apply into a fresh namespace, stream logs, wait, clean up, exit with the job's code", run_options,
       cmd_run},
      {"describe", "describe TYPE NAME… (or TYPE/NAME…)", "show an object's details (a pod's with its events)",
       describe_options, cmd_describe},
      {"delete", "delete TYPE NAME… | -f FILE|DIR | TYPE --all [--grace-period N]",
       "stop and remove objects (owners with what they own, unless --cascade=orphan)", delete_options, cmd_delete},
      {"logs", "logs NAME [-c CONTAINER] [-f] [--previous] [--tail N]", "print a container's logs", logs_options,
       cmd_logs},
      {"exec", "exec NAME [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS…]", "run a command in a container", exec_options,
       cmd_exec},
      {"cp", "cp [-c CONTAINER] POD:SRC DEST | SRC POD:DEST", "copy files out of a container or into it (tar through the container's tar)",
       nullptr, nullptr, false, "podctl-image"},
      {"attach", "attach NAME|TYPE/NAME [-c CONTAINER]",
       "print what a container's running process writes from now on, until it ends", attach_options, cmd_attach},
      {"port-forward", "port-forward NAME|TYPE/NAME [LOCAL:]REMOTE… [--address A,…]",
       "forward local ports to a pod's ports (through its network namespace)", port_forward_options, cmd_port_forward},
      {"top", "top pod [NAME…] [-l SELECTOR] [-A] [--containers] [--sort-by cpu|memory] | top node",
       "show the CPU and memory pods (or the machine) use now, from their cgroups", top_options, cmd_top},
      {"events", "events [--for TYPE/NAME] [--types Normal,Warning] [-A] [-o json|yaml]",
       "list the events of the namespace's pods and workloads, newest last", events_options, cmd_events},
      {"explain", "explain RESOURCE[.FIELD…] [--recursive]",
       "describe the fields podctl supports (from the manifest reference)", explain_options, cmd_explain},
      {"inspect", "inspect NAME", "show a pod's runtime details (pids, namespaces, veth) as JSON", inspect_options,
       cmd_inspect},
      {"wait", "wait pod/NAME…|job/NAME…|TYPE -l SELECTOR --for=condition=C|delete|jsonpath='{…}'=VALUE [--timeout D]",
       "wait until pods or workloads meet a condition", wait_options, cmd_wait},
      {"scale", "scale deployment/NAME|rs/NAME|sts/NAME --replicas=N", "set the replicas of a workload",
       scale_options, cmd_scale},
      {"rollout", "rollout status|restart|undo|history deployment/NAME", "follow, restart or undo a Deployment's rollout",
       rollout_options, cmd_rollout},
      {"create", "create configmap NAME | secret generic NAME [--from-literal=K=V] [--from-file=[K=]PATH] [--from-env-file=PATH] [--dry-run -o yaml]",
       "make a ConfigMap or a Secret from literals and files", create_options, cmd_create},
      {"restart", "restart NAME… | TYPE/NAME… | [TYPE] -l SELECTOR | [TYPE] --all",
       "stop and start pods again (a workload's as a rolling restart)", restart_options, cmd_restart},
      {"image", "image import NAME[:TAG] ROOTFS.tar|DIR | ls | rm NAME", "manage local images", nullptr, nullptr, false,
       "podctl-image"},
      {"system", "system reset [--force]", "remove every pod, image and setting of the root, and its bridge",
       system_options, cmd_system},
      {"version", "version", "print the version", version_options, cmd_version},
      {"completion", "completion bash|zsh", "print the shell completion script (source <(podctl completion bash))",
       completion_options, cmd_completion},
      {"__complete", "__complete -- WORDS…", "what may come next on a command line (for the completion script)",
       complete_options, cmd_complete, true},
      {"controller", "controller deployments|replicasets|statefulsets|jobs|services NAME", "reconcile one workload object (started by apply)",
       controller_options, cmd_controller, true},
  };
  try {
    return run_cli(argc, argv, verbs);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}
