// podctl-pause - holds the pod's namespaces open; as Kubernetes' pause.c: exit 0 on SIGTERM or
// SIGINT, reap every zombie (it is PID 1 when the pod shares its process namespace), otherwise
// sleep. It allocates nothing.
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

void on_stop(int) { _exit(0); }

void on_child(int) {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    static const char kVersion[] = "podctl-pause " PODCTL_VERSION "\n";
    (void)!write(1, kVersion, sizeof kVersion - 1);
    return 0;
  }
  struct sigaction stop {};
  stop.sa_handler = on_stop;
  // sigaction cannot fail for these signals with a valid action.
  (void)sigaction(SIGINT, &stop, nullptr);
  (void)sigaction(SIGTERM, &stop, nullptr);
  struct sigaction child {};
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP;
  (void)sigaction(SIGCHLD, &child, nullptr);
  for (;;) pause();
  return 42;
}
