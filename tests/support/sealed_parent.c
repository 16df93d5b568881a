// sealed_parent: runs one hook the way crun 1.27.1 does, as measured on it (docs/runtimes.md
// "What a hook sees of its runtime"): the hook's parent reads /proc/PPID/exe as "/" (crun runs
// from a detached mount of its own binary) and /proc/PPID/cmdline is the runtime's own argv.
//
//   sealed_parent RUNTIME_ARGV... -- HOOK [HOOK_ARGS...]
//
// The parent's cmdline becomes RUNTIME_ARGV (argv[0] the runtime's path); stdin goes to the
// hook; the exit status is the hook's. A test stand-in, not shipped.
// SEALED_PARENT_RUSAGE=FILE appends the hook's CPU time (user+sys, microseconds) to FILE.
// The hook asks /proc/PPID/exe for `features`, as it would ask crun: this binary then runs the
// runtime's own `features` (RUNTIME_ARGV[0], passed on in SEALED_PARENT_RUNTIME), so that, as
// with crun, the binary running is the one that answers.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int die(const char* what) {
    perror(what);
    return 125;
}

// Re-executes this binary from a bind mount of itself that is then detached: the kernel can
// name no path for it any more, and readlink(/proc/self/exe) answers "/". The mount is made in
// the caller's mount namespace (the tests run in a private one), as crun's hooks run in crun's:
// a netns the hook pins there stays visible after this process.
static int seal(char** runtime_argv, int hook_argc, char** hook_argv) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) return die("readlink /proc/self/exe");
    self[n] = '\0';
    char tmp[] = "/tmp/sealed-parent.XXXXXX";
    int t = mkstemp(tmp);
    if (t < 0) return die("mkstemp");
    close(t);
    if (mount(self, tmp, NULL, MS_BIND, NULL) != 0) return die("bind mount");
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return die("open");
    if (umount2(tmp, MNT_DETACH) != 0) return die("umount");
    unlink(tmp);
    setenv("SEALED_PARENT_RUNTIME", runtime_argv[0], 1);
    // The hook travels in the environment, so that the cmdline is the runtime's alone.
    char name[64], count[16];
    snprintf(count, sizeof count, "%d", hook_argc);
    setenv("SEALED_PARENT_HOOK_ARGC", count, 1);
    for (int i = 0; i < hook_argc; ++i) {
        snprintf(name, sizeof name, "SEALED_PARENT_HOOK_%d", i);
        setenv(name, hook_argv[i], 1);
    }
    fexecve(fd, runtime_argv, environ);
    return die("fexecve");
}

int main(int argc, char** argv) {
    const char* runtime = getenv("SEALED_PARENT_RUNTIME");
    if (argc == 2 && strcmp(argv[1], "features") == 0 && runtime) {
        execl(runtime, runtime, "features", (char*)NULL);
        return die("exec the runtime's features");
    }
    const char* inside = getenv("SEALED_PARENT_HOOK_ARGC");
    if (!inside) {
        int sep = 1;
        while (sep < argc && strcmp(argv[sep], "--") != 0) ++sep;
        if (sep == 1 || sep + 1 >= argc) {
            fprintf(stderr, "usage: sealed_parent RUNTIME_ARGV... -- HOOK [ARGS...]\n");
            return 125;
        }
        argv[sep] = NULL;  // argv + 1 is now the runtime's argv alone
        return seal(argv + 1, argc - sep - 1, argv + sep + 1);
    }
    int hook_argc = atoi(inside);
    char** hook = calloc((size_t)hook_argc + 1, sizeof *hook);
    char name[64];
    for (int i = 0; i < hook_argc; ++i) {
        snprintf(name, sizeof name, "SEALED_PARENT_HOOK_%d", i);
        hook[i] = strdup(getenv(name) ? getenv(name) : "");
        unsetenv(name);
    }
    unsetenv("SEALED_PARENT_HOOK_ARGC");
    pid_t pid = fork();
    if (pid < 0) return die("fork");
    if (pid == 0) {
        execv(hook[0], hook);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
    }
    // SEALED_PARENT_RUSAGE=FILE: the hook's CPU (user+sys, microseconds) appended, a line a run.
    const char* usage_file = getenv("SEALED_PARENT_RUSAGE");
    FILE* f = usage_file ? fopen(usage_file, "a") : NULL;
    if (f) {
        fprintf(f, "%ld\n", (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
                                 (long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
        fclose(f);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
